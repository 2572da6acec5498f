/**
 * share-memory.ts: a module's memory made into a shared import, leaving the
 * rest of the module as it was; a hand-written wasi_unstable guest run
 * through the worker runner over such a memory; and the worker's side of the
 * runner bundled for a browser Worker without any Node module.
 */
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import { captureOutput, runInWorker } from "../src/index.js";
import { SHARED_MEMORY_IMPORT, shareMemory } from "../src/worker/share-memory.js";
import { watToBytes } from "./support/compile-wat.js";

function memoryImports(bytes: Uint8Array) {
  return WebAssembly.Module.imports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).filter((entry) => entry.kind === "memory");
}

describe("shareMemory", () => {
  it("turns a defined memory into an imported shared one with the same limits; data segments still land", () => {
    const plan = shareMemory(
      watToBytes(`(module
        (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
        (memory (export "memory") 2 5)
        (data (i32.const 16) "hi")
        (func (export "peek") (result i32) (i32.load8_u (i32.const 17))))`),
    );
    expect(plan).toMatchObject({
      importModule: SHARED_MEMORY_IMPORT.module,
      importName: SHARED_MEMORY_IMPORT.name,
      initial: 2,
      maximum: 5,
    });
    expect(memoryImports(plan.bytes)).toEqual([{ module: "witx-wasi", name: "memory", kind: "memory" }]);
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 5, shared: true });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(plan.bytes as Uint8Array<ArrayBuffer>), {
      wasi_snapshot_preview1: { sched_yield: () => 0 },
      "witx-wasi": { memory },
    });
    expect((instance.exports.peek as () => number)()).toBe("i".charCodeAt(0));
    expect(instance.exports.memory).toBe(memory);
  });

  it("gives a memory without a maximum the wasm32 limit, and adds an import section when there is none", () => {
    const plan = shareMemory(watToBytes(`(module (memory 1))`));
    expect(plan).toMatchObject({ initial: 1, maximum: 65536 });
    expect(memoryImports(plan.bytes)).toHaveLength(1);
  });

  it("makes an imported non-shared memory shared, keeping its name", () => {
    const plan = shareMemory(watToBytes(`(module (import "env" "mem" (memory 1 4)) (import "env" "f" (func)))`));
    expect(plan).toMatchObject({ importModule: "env", importName: "mem", initial: 1, maximum: 4 });
    new WebAssembly.Module(plan.bytes as Uint8Array<ArrayBuffer>);
  });

  it("keeps a module that already imports a shared memory as it is", () => {
    const bytes = watToBytes(`(module (import "env" "mem" (memory 1 2 shared)))`, { threads: true });
    expect(shareMemory(bytes).bytes).toBe(bytes);
  });

  it("refuses a module without a memory, naming the problem", () => {
    expect(() => shareMemory(watToBytes(`(module)`))).toThrow(/has no memory/);
  });
});

describe("a wasi_unstable guest in the worker runner", { timeout: 30_000 }, () => {
  it("writes through fd_write and exits through proc_exit", async () => {
    const stdout = captureOutput();
    const guest = watToBytes(`(module
      (import "wasi_unstable" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_unstable" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 8) "\\10\\00\\00\\00\\06\\00\\00\\00")
      (data (i32.const 16) "old!\\n\\n")
      (func (export "_start")
        (drop (call $write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 32)))
        (call $exit (i32.const 3))))`);
    expect(await runInWorker(guest, { version: "unstable", stdio: { stdout } })).toBe(3);
    expect(stdout.text()).toBe("old!\n\n");
  });
});

describe("memory growth in the worker", { timeout: 30_000 }, () => {
  it("the host thread sees pages the guest grew after it started", async () => {
    const stdout = captureOutput();
    // Grows by one page and writes from the new page: the iovec and the bytes both lie past the first 64 KiB.
    const guest = watToBytes(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1 4)
      (func (export "_start")
        (drop (memory.grow (i32.const 1)))
        (i32.store (i32.const 65544) (i32.const 65600))
        (i32.store (i32.const 65548) (i32.const 5))
        (i32.store (i32.const 65600) (i32.const 0x776f7267))
        (i32.store8 (i32.const 65604) (i32.const 10))
        (if (call $write (i32.const 1) (i32.const 65544) (i32.const 1) (i32.const 65560)) (then unreachable))))`);
    expect(await runInWorker(guest, { version: "preview1", stdio: { stdout } })).toBe(0);
    expect(stdout.text()).toBe("grow\n");
  });
});

describe("the worker side without Node", { timeout: 30_000 }, () => {
  it("bundles src/worker/guest-side.ts and share-memory.ts for the browser with no Node module reachable", async () => {
    const nodeBuiltins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const result = await esbuild.build({
      absWorkingDir: fileURLToPath(new URL("..", import.meta.url)),
      entryPoints: ["src/worker/guest-side.ts", "src/worker/share-memory.ts"],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      outdir: "out",
      metafile: true,
      logLevel: "silent",
    });
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((entry) => entry.path));
    expect(imports.filter((path) => path.startsWith("node:") || nodeBuiltins.has(path))).toEqual([]);
    expect(Object.keys(result.metafile.inputs)).toContain("src/generated/preview1/forward.ts");
  });
});
