/**
 * createWasi, the browser-first API of witx-wasi/core: the same guests the WASI
 * class runs (stdout, stdin, exit codes, traps, mounts, reactors), its own
 * option checks naming the option, and its one-run lifecycle.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryDirectory, WasiExit, captureOutput, createWasi, readOnlyFile } from "../src/portable.js";
import { errno } from "../src/generated/preview1/types.js";
import { watToBytes } from "./support/compile-wat.js";
import { guestModule } from "./support/run-guest.js";

type Wasi = ReturnType<typeof createWasi>;

function start(wasi: Wasi, path: string): number {
  return wasi.start(new WebAssembly.Instance(guestModule(path), wasi.getImportObject()));
}

/** A reactor that writes "hi\n" to a file it creates at /m/out.txt, and a command that traps. */
const guests = {
  writer: new WebAssembly.Module(
    watToBytes(`(module
      (import "wasi_snapshot_preview1" "path_open"
        (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 200) "out.txt")
      (data (i32.const 300) "hi\\n")
      (func (export "write") (result i32)
        (local $error i32)
        (local.set $error (call $path_open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 7) (i32.const 1)
          (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 8)))
        (if (local.get $error) (then (return (local.get $error))))
        (i32.store (i32.const 16) (i32.const 300))
        (i32.store (i32.const 20) (i32.const 3))
        (call $fd_write (i32.load (i32.const 8)) (i32.const 16) (i32.const 1) (i32.const 24)))
      (func (export "exit") (call $proc_exit (i32.const 3)))
      (func (export "_initialize")))`),
  ),
  trap: new WebAssembly.Module(watToBytes(`(module (memory (export "memory") 1) (func (export "_start") unreachable))`)),
};

afterEach(() => vi.restoreAllMocks());

describe("createWasi", () => {
  it("runs a C program with args and env, stdout captured", () => {
    const stdout = captureOutput();
    const wasi = createWasi({ args: ["hello", "a b"], env: { GREETING: "hi" }, stdio: { stdout } });
    expect(start(wasi, "examples/hello.wasm")).toBe(0);
    expect(stdout.text()).toBe("hello from wasm\narg 1: a b\nGREETING=hi\n");
  });

  it("prints to console.log by line when stdout is not given, and reads stdin from a string", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(start(createWasi({ stdio: { stdin: "one\ntwo" } }), "test/guests/bin/cat.wasm")).toBe(0);
    expect(log.mock.calls).toEqual([["one"], ["two"]]);
  });

  it("takes stdout as a callback or a writable and stdin as a source function", () => {
    const chunks: string[] = [];
    const decoder = new TextDecoder();
    let given = false;
    const source = () => (given ? null : ((given = true), "from a function\n"));
    start(createWasi({ stdio: { stdin: source, stdout: (bytes) => chunks.push(decoder.decode(bytes)) } }), "test/guests/bin/cat.wasm");
    expect(chunks.join("")).toBe("from a function\n");
    const written: Uint8Array[] = [];
    start(
      createWasi({ stdio: { stdin: new TextEncoder().encode("bytes\n"), stdout: { write: (bytes) => written.push(bytes) } } }),
      "test/guests/bin/cat.wasm",
    );
    expect(decoder.decode(written[0])).toBe("bytes\n");
  });

  it("returns proc_exit's code", () => {
    const stdout = captureOutput();
    expect(start(createWasi({ args: ["exit", "42"], stdio: { stdout } }), "test/guests/bin/exit.wasm")).toBe(42);
    expect(stdout.text()).toBe("exiting with: 42\n");
  });

  it("throws a trap as the RuntimeError it is, after closing the guest's descriptors", () => {
    const wasi = createWasi({ stdio: { stdout: () => {} } });
    const instance = new WebAssembly.Instance(guests.trap, wasi.getImportObject());
    expect(() => wasi.start(instance)).toThrow(WebAssembly.RuntimeError);
    expect(wasi.wasiImport.fd_close(1)).toBe(errno.badf);
    expect(() => wasi.start(instance)).toThrow(/createWasi: start\(\): start\(\) or initialize\(\) already ran/);
  });

  it("serves an in-memory directory mount, and a reactor's proc_exit throws WasiExit", () => {
    const memory = new MemoryDirectory();
    const wasi = createWasi({ mounts: { "/m": memory, "/etc/motd": readOnlyFile("hello") } });
    const instance = new WebAssembly.Instance(guests.writer, wasi.getImportObject());
    wasi.initialize(instance);
    const exports = instance.exports as { write(): number; exit(): void };
    expect(exports.write()).toBe(errno.success);
    expect(new TextDecoder().decode(memory.readFile("out.txt"))).toBe("hi\n");
    expect(() => exports.exit()).toThrow(WasiExit);
    wasi.close();
    expect(exports.write()).toBe(errno.badf);
  });

  it("checks the instance: memory, _start, _initialize", () => {
    const reactor = createWasi();
    const noStart = new WebAssembly.Instance(guests.writer, reactor.getImportObject());
    const wasi = createWasi();
    expect(() => wasi.start(noStart)).toThrow(
      /createWasi: start\(\): the instance has no "_start" function \(a reactor\? use initialize\(\)\)/,
    );
    expect(() => wasi.start(new WebAssembly.Instance(guests.trap, wasi.getImportObject()))).toThrow(/already ran/);
    expect(() => createWasi().start({ exports: {} } as WebAssembly.Instance)).toThrow(/does not export its memory as "memory"/);
    const command = new WebAssembly.Instance(guests.trap, createWasi().getImportObject());
    expect(() => createWasi().initialize(command)).toThrow(/initialize\(\): the instance exports "_start" \(a command\? use start\(\)\)/);
  });

  it("names the option in each error", () => {
    const cases: [unknown, RegExp][] = [
      [null, /createWasi: options must be an object \(got null\)/],
      [{ stdout: () => {} }, /options\.stdout is not an option \(they are args, env, stdio/],
      [{ args: "a b" }, /options\.args must be an array of strings \(got string\)/],
      [{ args: ["a", 2] }, /options\.args\[1\] must be a string \(got number\)/],
      [{ env: { HOME: 1 } }, /options\.env\.HOME must be a string \(got number\)/],
      [{ env: { "A=B": "c" } }, /options\.env\['A=B'\] must be named without "="/],
      [{ stdio: { stdin: 5 } }, /options\.stdio\.stdin must be a string, a Uint8Array or a function \(got number\)/],
      [
        { stdio: { stdout: 1 } },
        /options\.stdio\.stdout must be a function, a captureOutput\(\) or an object with write\(bytes\) \(got number\)/,
      ],
      [{ mounts: [] }, /options\.mounts must be an object of guest path → mount \(got an array\)/],
      [{ mounts: { "/x": "/tmp" } }, /options\.mounts\['\/x'\] must be a MemoryDirectory/],
      [{ mounts: { tmp: new MemoryDirectory() } }, /createWasi: options\.mounts\['tmp'\] must be an absolute guest path/],
      [{ host: {} }, /options\.host must be a function \(got object\)/],
      [{ limits: { maxOpenFds: 0 } }, /limits\.maxOpenFds/],
      [{ badPointer: "ignore" }, /badPointer/],
    ];
    for (const [options, message] of cases) expect(() => createWasi(options as never), String(message)).toThrow(message);
  });
});
