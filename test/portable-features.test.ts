/**
 * `witx-wasi/core` carries preview0 and tracing only when given them in
 * `features` (so bundles leave them out); asked for without them, the
 * constructor says which feature to import. The Node entry point has both.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { WASI as NodeWASI } from "../src/index.js";
import { captureOutput, preview0Feature, tracingFeature, WASI } from "../src/portable.js";
import { watToBytes } from "./support/compile-wat.js";

const helloWorld = new WebAssembly.Module(readFileSync(new URL("../examples/hello-world.wasm", import.meta.url)));
const unstableHello = new WebAssembly.Module(
  watToBytes(`(module
  (import "wasi_unstable" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\\10\\00\\00\\00\\03\\00\\00\\00")
  (data (i32.const 16) "hi\\n")
  (func (export "_start") (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`),
);

describe("optional features of witx-wasi/core", () => {
  it("refuses version unstable and trace without their feature, naming it", () => {
    expect(() => new WASI({ version: "unstable" })).toThrow(/options\.version.*needs preview0Feature in options\.features/);
    expect(() => new WASI({ version: "preview1", trace: true })).toThrow(/options\.trace.*needs tracingFeature in options\.features/);
    expect(() => new WASI({ version: "preview1", features: [{}] as never })).toThrow(/options\.features/);
  });

  it("runs a wasi_unstable module and traces it when given both", () => {
    const stdout = captureOutput();
    const lines: string[] = [];
    const wasi = new WASI({
      version: "unstable",
      stdio: { stdout },
      trace: (line) => lines.push(line),
      features: [preview0Feature, tracingFeature],
    });
    expect(wasi.start(new WebAssembly.Instance(unstableHello, wasi.getImportObject()))).toBe(0);
    expect(stdout.text()).toBe("hi\n");
    expect(lines).toEqual(['fd_write(fd=1, iovs=[1 buffer, 3 bytes: "hi\\n"]) = success (3)']);
  });

  it("needs no features on the Node entry point", () => {
    const lines: string[] = [];
    const wasi = new NodeWASI({ version: "preview1", stdio: { stdout: captureOutput() }, trace: (line) => lines.push(line) });
    expect(wasi.start(new WebAssembly.Instance(helloWorld, wasi.getImportObject()))).toBe(0);
    expect(lines[0]).toMatch(/^fd_write\(fd=1, /);
  });
});
