;; A wasi-threads program: _start spawns two threads over the shared memory,
;; each prints one line, and _start waits (memory.atomic.wait32) until both
;; have said they are done. Rebuild: node bench/wat2wasm.mjs --threads examples/threads.wat examples/threads.wasm
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi" "thread-spawn" (func $thread_spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  ;; 0: threads done; 64 + 16·k: thread k's iovec and count; 256: the text (passive: each thread instantiates the module again)
  (data $text "thread 1 says hi\nthread 2 says hi\nboth threads done\n")

  (func $print (param $scratch i32) (param $text i32) (param $length i32)
    (i32.store (local.get $scratch) (local.get $text))
    (i32.store offset=4 (local.get $scratch) (local.get $length))
    (drop (call $fd_write (i32.const 1) (local.get $scratch) (i32.const 1) (i32.add (local.get $scratch) (i32.const 8)))))

  ;; Thread k (start_arg k = 0 or 1) prints its line and counts itself done.
  (func (export "wasi_thread_start") (param $tid i32) (param $k i32)
    (call $print
      (i32.add (i32.const 64) (i32.mul (local.get $k) (i32.const 16)))
      (i32.add (i32.const 256) (i32.mul (local.get $k) (i32.const 17)))
      (i32.const 17))
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))

  (func (export "_start")
    (local $done i32)
    (memory.init $text (i32.const 256) (i32.const 0) (i32.const 52))
    (drop (call $thread_spawn (i32.const 0)))
    ;; One line at a time, so the output's order is fixed: the second thread starts after the first is done.
    (block $first
      (loop $wait
        (br_if $first (i32.ge_u (i32.atomic.load (i32.const 0)) (i32.const 1)))
        (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
        (br $wait)))
    (drop (call $thread_spawn (i32.const 1)))
    (block $both
      (loop $wait
        (local.set $done (i32.atomic.load (i32.const 0)))
        (br_if $both (i32.ge_u (local.get $done) (i32.const 2)))
        (drop (memory.atomic.wait32 (i32.const 0) (local.get $done) (i64.const -1)))
        (br $wait)))
    (call $print (i32.const 128) (i32.const 290) (i32.const 18))))
