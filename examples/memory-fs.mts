// A guest copies /mem/input.txt to /mem/output.txt upper-cased, reading
// /dev/zero on the way; the embedder reads the result from the MemoryDirectory.
import loadWabt from "wabt";
import { generatedDevice, MemoryDirectory } from "../src/impl/memory/index.js";
import { WASI } from "../src/wasi/wasi.js";

const guest = `(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "input.txt") (data (i32.const 16) "output.txt") (data (i32.const 32) "zero")
  (func (export "_start") (local $in i32) (local $out i32) (local $n i32) (local $i i32)
    ;; fd 3 is /mem, fd 4 is /dev. Open input (fd_read), output (creat, fd_write).
    (drop (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 9) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 100)))
    (local.set $in (i32.load (i32.const 100)))
    (drop (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 10) (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 100)))
    (local.set $out (i32.load (i32.const 100)))
    (i32.store (i32.const 200) (i32.const 1024)) (i32.store (i32.const 204) (i32.const 1024))
    (drop (call $read (local.get $in) (i32.const 200) (i32.const 1) (i32.const 208)))
    (local.set $n (i32.load (i32.const 208)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.and (i32.ge_u (i32.load8_u (i32.add (i32.const 1024) (local.get $i))) (i32.const 97))
                   (i32.le_u (i32.load8_u (i32.add (i32.const 1024) (local.get $i))) (i32.const 122)))
        (then (i32.store8 (i32.add (i32.const 1024) (local.get $i))
                (i32.sub (i32.load8_u (i32.add (i32.const 1024) (local.get $i))) (i32.const 32)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $next)))
    ;; Append four bytes from /dev/zero, then write it all.
    (drop (call $open (i32.const 4) (i32.const 0) (i32.const 32) (i32.const 4) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 100)))
    (i32.store (i32.const 200) (i32.add (i32.const 1024) (local.get $n))) (i32.store (i32.const 204) (i32.const 4))
    (drop (call $read (i32.load (i32.const 100)) (i32.const 200) (i32.const 1) (i32.const 208)))
    (i32.store (i32.const 200) (i32.const 1024)) (i32.store (i32.const 204) (i32.add (local.get $n) (i32.const 4)))
    (drop (call $write (local.get $out) (i32.const 200) (i32.const 1) (i32.const 208)))))`;

const wabt = await loadWabt();
const parsed = wabt.parseWat("example.wat", guest);
const bytes = parsed.toBinary({}).buffer;
parsed.destroy();

const mem = new MemoryDirectory();
mem.writeFile("input.txt", "hello from the embedder\n");
const wasi = new WASI({
  version: "preview1",
  mounts: { "/mem": mem, "/dev/zero": generatedDevice((buffer) => buffer.fill(0)) },
});
const instance = new WebAssembly.Instance(
  new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
  wasi.getImportObject() as WebAssembly.Imports,
);
const code = wasi.start(instance);
console.log("exit code", code);
console.log(JSON.stringify(new TextDecoder().decode(mem.readFile("output.txt"))));
console.log(mem.list());
