/**
 * The `limits` option reaches both the host and the generated glue, and the portable
 * entry point serves `mounts` (in-memory directories) like the Node one.
 */
import { describe, expect, it } from "vitest";
import { WASI as PortableWASI, MemoryDirectory, captureOutput } from "../src/portable.js";
import { errno } from "../src/generated/preview1/types.js";
import { WASI } from "../src/wasi/wasi.js";
import { watToBytes } from "./support/compile-wat.js";

const writer = new WebAssembly.Module(
  watToBytes(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_open"
      (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 200) "hello.txt")
    (func (export "write") (param $count i32) (result i32)
      (call $fd_write (i32.const 1) (i32.const 16) (local.get $count) (i32.const 8)))
    (func (export "open") (param $length i32) (result i32)
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 200) (local.get $length) (i32.const 0)
        (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 8)))
    (func (export "_initialize")))`),
);

function reactor(wasi: { initialize(instance: WebAssembly.Instance): void; getImportObject(): object }) {
  const instance = new WebAssembly.Instance(writer, wasi.getImportObject() as WebAssembly.Imports);
  wasi.initialize(instance);
  return instance.exports as { write(count: number): number; open(length: number): number };
}

describe("options.limits", () => {
  it("caps iovecs per call in the glue", () => {
    const exports = reactor(new WASI({ version: "preview1", limits: { maxIovecs: 2 } }));
    expect(exports.write(3)).toBe(errno.inval);
    expect(exports.write(2)).toBe(errno.success);
  });

  it("caps path bytes in the glue", () => {
    const memory = new MemoryDirectory();
    memory.writeFile("hello.txt", "hi");
    const exports = reactor(new PortableWASI({ version: "preview1", mounts: { "/m": memory }, limits: { maxPathBytes: 8 } }));
    expect(exports.open(9)).toBe(errno.nametoolong);
  });

  it("names the option for an unknown key, a non-number and a non-positive value", () => {
    expect(() => new WASI({ version: "preview1", limits: { maxFiles: 3 } as never })).toThrow(/options\.limits\.maxFiles/);
    expect(() => new WASI({ version: "preview1", limits: { maxOpenFds: "9" } as never })).toThrow(/options\.limits\.maxOpenFds/);
    expect(() => new WASI({ version: "preview1", limits: { maxOpenFds: 0 } })).toThrow(/options\.limits\.maxOpenFds/);
    expect(() => new WASI({ version: "preview1", limits: 5 as never })).toThrow(/options\.limits/);
  });
});

describe("portable entry point mounts", () => {
  it("opens a file in an in-memory directory mounted as a preopen", () => {
    const memory = new MemoryDirectory();
    memory.writeFile("hello.txt", "hi");
    const stdout = captureOutput();
    const exports = reactor(new PortableWASI({ version: "preview1", mounts: { "/m": memory }, stdio: { stdout } }));
    expect(exports.open(9)).toBe(errno.success);
    expect(exports.open(5)).toBe(errno.noent);
  });
});
