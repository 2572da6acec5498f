/**
 * The wasi_unstable imports built over `preview0Host(...)` of a preview1 host the
 * test provides, with a fresh one-page memory, so a test can call an import the
 * way a guest would and then read what was stored in guest memory.
 */
import { createPreview0Imports, type Preview0Imports } from "../../src/generated/preview0/index.js";
import { unimplementedPreview1Host, type Preview1Host } from "../../src/generated/preview1/index.js";
import { preview0Host } from "../../src/impl/preview0/adapter.js";
import { GuestMemory } from "../../src/runtime/index.js";

export interface Preview0Probe {
  readonly imports: Preview0Imports;
  readonly view: DataView;
  readonly bytes: Uint8Array;
}

export function preview0Probe(overrides: Partial<Preview1Host>): Preview0Probe {
  const host: Preview1Host = { ...unimplementedPreview1Host(), ...overrides };
  const wasmMemory = new WebAssembly.Memory({ initial: 1 });
  const memory = new GuestMemory();
  memory.attach(wasmMemory);
  return {
    imports: createPreview0Imports(preview0Host(host), memory),
    view: new DataView(wasmMemory.buffer),
    bytes: new Uint8Array(wasmMemory.buffer),
  };
}
