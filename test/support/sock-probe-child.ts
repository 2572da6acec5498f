/**
 * Child-process half of a test in test/node-host-sockets.test.ts: one sock_*
 * call from a wat guest on one stdio fd, with stdin and stdout on /dev/null,
 * on our WASI class or on node:wasi; prints the errno. A child of its own,
 * because node:wasi crashes the process on some of these calls.
 *
 *   node --import tsx test/support/sock-probe-child.ts <ours|node> <sock_accept|sock_recv|sock_send|sock_shutdown> <fd>
 */
import { openSync } from "node:fs";
import { WASI as NodeWASI } from "node:wasi";
import { WASI as OurWASI } from "../../src/wasi/wasi.js";
import { watToBytes } from "./compile-wat.js";

const signatures: Record<string, [params: string, args: string]> = {
  sock_accept: ["(param i32 i32 i32)", "(i32.const 0) (i32.const 64)"],
  sock_recv: ["(param i32 i32 i32 i32 i32 i32)", "(i32.const 16) (i32.const 1) (i32.const 0) (i32.const 64) (i32.const 68)"],
  sock_send: ["(param i32 i32 i32 i32 i32)", "(i32.const 16) (i32.const 1) (i32.const 0) (i32.const 64)"],
  sock_shutdown: ["(param i32 i32)", "(i32.const 3)"],
};

const [implementation, call, fd] = process.argv.slice(2);
const [params, args] = signatures[call];
// One iovec at 16: 4 bytes at 32.
const wat = `(module
  (import "wasi_snapshot_preview1" "${call}" (func $call ${params} (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\\20\\00\\00\\00\\04\\00\\00\\00")
  (global $result (export "result") (mut i32) (i32.const -1))
  (func (export "_start") (global.set $result (call $call (i32.const ${Number(fd)}) ${args}))))`;
const options = { version: "preview1" as const, stdin: openSync("/dev/null", "r"), stdout: openSync("/dev/null", "w"), returnOnExit: true };
const wasi = implementation === "node" ? new NodeWASI(options) : new OurWASI(options);
const instance = new WebAssembly.Instance(new WebAssembly.Module(watToBytes(wat)), wasi.getImportObject() as WebAssembly.Imports);
wasi.start(instance);
process.stdout.write(`${(instance.exports.result as WebAssembly.Global).value}\n`);
