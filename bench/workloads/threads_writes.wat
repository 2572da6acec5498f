;; The threads case of bench/load.mjs: the main thread spawns T threads, each
;; doing M writes of 16 bytes to stdout (a file in the benchmark) with W rounds of
;; integer arithmetic before each write, and waits for all of them.
;; Arguments: T M W (decimal).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 2 2 shared))
  ;; 0: threads, 4: writes per thread, 8: work rounds, 12: threads done
  ;; 64: argv pointers, 1024: argv strings, 8192 + 64·k: thread k's scratch, 16384: the line written
  (func $parse (param $p i32) (result i32)
    (local $n i32) (local $c i32)
    (block $end
      (loop $digit
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $end (i32.lt_u (local.get $c) (i32.const 48)))
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (i32.sub (local.get $c) (i32.const 48))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $digit)))
    (local.get $n))
  (func $work (param $k i32) (param $rounds i32) (result i32)
    (local $x i32)
    (local.set $x (local.get $k))
    (block $done
      (loop $round
        (br_if $done (i32.eqz (local.get $rounds)))
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
        (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
        (br $round)))
    (local.get $x))
  (func $writes (param $k i32)
    (local $i i32) (local $s i32)
    (local.set $s (i32.add (i32.const 8192) (i32.mul (local.get $k) (i32.const 64))))
    (block $done
      (loop $write
        (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 4))))
        (i32.store offset=32 (local.get $s) (call $work (local.get $i) (i32.load (i32.const 8))))
        (i32.store (local.get $s) (i32.const 16384))
        (i32.store offset=4 (local.get $s) (i32.const 16))
        (drop (call $fd_write (i32.const 1) (local.get $s) (i32.const 1) (i32.add (local.get $s) (i32.const 8))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $write))))
  (func (export "wasi_thread_start") (param $tid i32) (param $k i32)
    (call $writes (local.get $k))
    (drop (i32.atomic.rmw.add (i32.const 12) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 12) (i32.const 1))))
  (func (export "_start")
    (local $k i32) (local $seen i32)
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (drop (call $args_get (i32.const 64) (i32.const 1024)))
    (i32.store (i32.const 0) (call $parse (i32.load (i32.const 68))))
    (i32.store (i32.const 4) (call $parse (i32.load (i32.const 72))))
    (i32.store (i32.const 8) (call $parse (i32.load (i32.const 76))))
    (i64.store (i32.const 16384) (i64.const 0x2020202020202020))
    (i64.store (i32.const 16392) (i64.const 0x0a20202020202020))
    (local.set $k (i32.const 0))
    (block $spawned
      (loop $next
        (br_if $spawned (i32.ge_u (local.get $k) (i32.load (i32.const 0))))
        (drop (call $spawn (local.get $k)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (block $all
      (loop $wait
        (local.set $seen (i32.atomic.load (i32.const 12)))
        (br_if $all (i32.ge_u (local.get $seen) (i32.load (i32.const 0))))
        (drop (memory.atomic.wait32 (i32.const 12) (local.get $seen) (i64.const -1)))
        (br $wait)))))
