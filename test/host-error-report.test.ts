/**
 * An exception in host code (here an embedder's stdout callback) gives the guest
 * errno.io; without `onHostError` it is also reported, once per function, with
 * its stack, so output lost to a bug does not go unnoticed. `onHostError`
 * replaces the report.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WASI } from "../src/portable.js";
import { watToBytes } from "./support/compile-wat.js";

const root = fileURLToPath(new URL("..", import.meta.url));
// Writes a greeting and exits with fd_write's errno: 29 (io) when the host fails.
const helloWorld = new WebAssembly.Module(readFileSync(new URL("../examples/hello-world.wasm", import.meta.url)));
const io = 29;

function failingStdout(): () => never {
  return () => {
    throw new Error("the embedder's sink broke");
  };
}

afterEach(() => vi.restoreAllMocks());

describe("host exceptions", () => {
  it("are reported once per function with their stack when onHostError is not given", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (let run = 0; run < 2; run++) {
      const wasi = new WASI({ version: "preview1", stdio: { stdout: failingStdout() } });
      expect(wasi.start(new WebAssembly.Instance(helloWorld, wasi.getImportObject()))).toBe(io);
    }
    // Once per WASI object and function: two objects, two reports.
    expect(warn).toHaveBeenCalledTimes(2);
    const text = String(warn.mock.calls[0][0]);
    expect(text).toMatch(/^witx-wasi: host code threw in wasi_snapshot_preview1\.fd_write; the guest got errno io\./);
    expect(text).toContain("Error: the embedder's sink broke\n    at ");
  });

  it("are reported only once for repeated failures of one function", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    // Writes three times and exits with the sum of the errnos.
    const thrice = new WebAssembly.Module(
      watToBytes(`(module
        (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "\\10\\00\\00\\00\\01\\00\\00\\00")
        (data (i32.const 16) "x")
        (func $once (result i32) (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (func (export "_start") (call $exit (i32.add (call $once) (i32.add (call $once) (call $once))))))`),
    );
    const wasi = new WASI({ version: "preview1", stdio: { stdout: failingStdout() } });
    expect(wasi.start(new WebAssembly.Instance(thrice, wasi.getImportObject()))).toBe(3 * io);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("go to onHostError instead when it is given", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const seen: string[] = [];
    const wasi = new WASI({ version: "preview1", stdio: { stdout: failingStdout() }, onHostError: (name) => void seen.push(name) });
    expect(wasi.start(new WebAssembly.Instance(helloWorld, wasi.getImportObject()))).toBe(io);
    expect(seen).toEqual(["fd_write"]);
    expect(warn).not.toHaveBeenCalled();
  });

  it("reach stderr on the Node entry point, before a proc_exit ends the process", () => {
    const script = `
      import { readFileSync } from "node:fs";
      import { WASI } from "./src/index.ts";
      const wasi = new WASI({ stdio: { stdout: () => { throw new Error("sink broke"); } } });
      wasi.start(new WebAssembly.Instance(new WebAssembly.Module(readFileSync("examples/hello-world.wasm")), wasi.getImportObject()));`;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    // Node 18's form (no version): proc_exit ends the process with the guest's code.
    expect(child.status).toBe(io);
    expect(child.stderr).toMatch(/^witx-wasi: host code threw in wasi_snapshot_preview1\.fd_write; .*\nError: sink broke\n {4}at /);
  });
});
