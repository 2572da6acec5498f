/**
 * Instantiates test/guests/wat/glue-probe.wat over the generated preview1 glue and
 * a host the test provides, so the glue's checks run on arguments exactly as wasm
 * code passes them.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createPreview1Imports, unimplementedPreview1Host, type Preview1Host } from "../../src/generated/preview1/index.js";
import { GuestMemory, type GlueOptions } from "../../src/runtime/index.js";
import { watToBytes } from "./compile-wat.js";

const probeSource = readFileSync(fileURLToPath(new URL("../guests/wat/glue-probe.wat", import.meta.url)), "utf8");
const probeModule = new WebAssembly.Module(watToBytes(probeSource));

export interface Probe {
  readonly exports: Record<string, (...args: (number | bigint)[]) => number>;
  readonly memory: WebAssembly.Memory;
  readonly view: () => DataView;
  readonly bytes: () => Uint8Array;
}

export function probeWith(overrides: Partial<Preview1Host>, options: GlueOptions = {}): Probe {
  const host: Preview1Host = { ...unimplementedPreview1Host(), ...overrides };
  const memory = new GuestMemory();
  const instance = new WebAssembly.Instance(probeModule, {
    wasi_snapshot_preview1: createPreview1Imports(host, memory, options),
  });
  const wasmMemory = instance.exports.memory as WebAssembly.Memory;
  memory.attach(wasmMemory);
  return {
    exports: instance.exports as unknown as Probe["exports"],
    memory: wasmMemory,
    view: () => new DataView(wasmMemory.buffer),
    bytes: () => new Uint8Array(wasmMemory.buffer),
  };
}
