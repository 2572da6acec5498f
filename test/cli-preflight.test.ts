import { afterAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { preflightWasm, providedImportsOf, type ProvidedImports } from "../src/cli/preflight.js";
import { watToBytes } from "./support/compile-wat.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-preflight-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function file(name: string, contents: Uint8Array | string): string {
  const full = path.join(tmp, name);
  fs.writeFileSync(full, contents);
  return full;
}

const noImports: ProvidedImports = new Map();
const wasiWrite: ProvidedImports = new Map([["wasi_snapshot_preview1", new Set(["fd_write", "proc_exit"])]]);

async function failure(wasmPath: string, provided: ProvidedImports = noImports): Promise<string> {
  const result = await preflightWasm(wasmPath, provided);
  if (result.ok) throw new Error("expected preflight to fail");
  expect(result.message).not.toContain("\n");
  expect(result.message.startsWith(`witx-wasi: ${wasmPath}: `)).toBe(true);
  return result.message.slice(`witx-wasi: ${wasmPath}: `.length);
}

const command = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))`;

describe("preflightWasm accepts", () => {
  it("a command whose imports are all provided, and hands back the compiled module", async () => {
    const result = await preflightWasm(file("ok.wasm", watToBytes(command)), wasiWrite);
    expect(result.ok).toBe(true);
    if (result.ok) expect(WebAssembly.Module.exports(result.module).map((entry) => entry.name)).toEqual(["memory", "_start"]);
  });

  it("a command with no imports at all", async () => {
    const wasmPath = file("bare.wasm", watToBytes('(module (func (export "_start")))'));
    expect((await preflightWasm(wasmPath, noImports)).ok).toBe(true);
  });
});

describe("preflightWasm explains in one line", () => {
  it("a missing file", async () => {
    expect(await failure(path.join(tmp, "absent.wasm"))).toBe("no such file");
  });

  it("a directory", async () => {
    const dir = path.join(tmp, "a-directory.wasm");
    fs.mkdirSync(dir);
    expect(await failure(dir)).toBe("is a directory, not a .wasm file");
  });

  it("a file that is not WebAssembly", async () => {
    expect(await failure(file("script.wasm", "#!/bin/sh\necho hi\n"))).toBe("is not a WebAssembly module (no \\0asm header)");
  });

  it("an empty or truncated file", async () => {
    expect(await failure(file("empty.wasm", ""))).toBe("is too short to be a WebAssembly module");
    expect(await failure(file("stub.wasm", new Uint8Array([0x00, 0x61])))).toBe("is too short to be a WebAssembly module");
  });

  it("WebAssembly text given instead of a binary", async () => {
    expect(await failure(file("text.wasm", `\n  ${command}`))).toBe("is WebAssembly text (.wat); compile it to a .wasm binary first");
  });

  it("a component or other binary version", async () => {
    const component = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);
    expect(await failure(file("component.wasm", component))).toMatch(/component .*not a core module/);
  });

  it("a module that does not compile, with the engine's reason", async () => {
    const good = watToBytes('(module (func (export "_start")))');
    const truncated = good.subarray(0, good.length - 2);
    const message = await failure(file("truncated.wasm", truncated));
    expect(message).toMatch(/^invalid module: /);
    expect(message).not.toContain("WebAssembly.compile()");
  });

  it("a module whose function body does not validate", async () => {
    // A valid header and sections whose one function body returns the wrong type:
    // type () -> i32, function 0 of that type, body "end" with nothing on the stack.
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x04, 0x01,
      0x02, 0x00, 0x0b,
    ]);
    expect(await failure(file("badbody.wasm", bytes))).toMatch(/^invalid module: .*function #0/);
  });

  it("a module without _start", async () => {
    expect(await failure(file("lib.wasm", watToBytes('(module (func (export "helper")))')))).toBe(
      "has no _start export, so it is not a command",
    );
  });

  it("a reactor", async () => {
    expect(await failure(file("reactor.wasm", watToBytes('(module (func (export "_initialize")))')))).toBe(
      "has no _start export (it is a reactor: it exports _initialize)",
    );
  });

  it("a _start that is not a function", async () => {
    const wasmPath = file("global-start.wasm", watToBytes('(module (global (export "_start") i32 (i32.const 0)))'));
    expect(await failure(wasmPath)).toBe("exports _start as a global, not a function");
  });

  it("the first import the host does not provide, as module.field", async () => {
    const wasmPath = file(
      "imports.wasm",
      watToBytes(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32)))
      (import "env" "memory" (memory 1))
      (func (export "_start")))`),
    );
    expect(await failure(wasmPath, wasiWrite)).toBe(
      "imports wasi_snapshot_preview1.sock_accept (function), which this host does not provide",
    );
  });

  it("an import from a module the host does not provide at all", async () => {
    const wasmPath = file(
      "unstable.wasm",
      watToBytes(`(module
      (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (func (export "_start")))`),
    );
    expect(await failure(wasmPath, wasiWrite)).toBe(
      "imports wasi_unstable.fd_write (function), which this host does not provide; the module is built for wasi_unstable: run it with --version unstable",
    );
  });

  it("checks _start before imports", async () => {
    const wasmPath = file("both.wasm", watToBytes('(module (import "env" "f" (func)))'));
    expect(await failure(wasmPath)).toBe("has no _start export, so it is not a command");
  });
});

describe("providedImportsOf", () => {
  it("lists the fields of each module of an import object", () => {
    const provided = providedImportsOf({ wasi_snapshot_preview1: { fd_write() {}, proc_exit() {} }, env: {} });
    expect([...provided.keys()]).toEqual(["wasi_snapshot_preview1", "env"]);
    expect([...(provided.get("wasi_snapshot_preview1") ?? [])]).toEqual(["fd_write", "proc_exit"]);
    expect(provided.get("env")?.size).toBe(0);
  });
});
