;; Reads embedder-mounted files from a guest (test/memory-fs-guests.test.ts).
;; A reactor, not a command: it exports `run` instead of `_start`, because it
;; needs mounts (a counter device and a zero device under /dev, preopened as
;; fd 3) that the plain guest harness does not set up.
;;
;; run() prints, each followed by "\n":
;;   the name of preopen 3;
;;   12 bytes read from "counter", then 6 more from the same descriptor;
;;   4 bytes read from "zero" into a buffer of "x" (written as they come);
;;   the filetype of "zero" from path_filestat_get, as a digit;
;; and returns the errno of opening "counter" with fd_write (0 if it opened).
(module
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 32) "counter")
  (data (i32.const 48) "zero")
  (data (i32.const 512) "\n")

  ;; Writes `len` bytes at `ptr` to stdout, then a newline.
  (func $print_line (param $ptr i32) (param $len i32)
    (i32.store (i32.const 64) (local.get $ptr))
    (i32.store (i32.const 68) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 72)))
    (i32.store (i32.const 64) (i32.const 512))
    (i32.store (i32.const 68) (i32.const 1))
    (drop (call $fd_write (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 72))))

  ;; Reads up to `len` bytes from `fd` into 256 and prints what was read.
  (func $read_and_print (param $fd i32) (param $len i32)
    (i32.store (i32.const 64) (i32.const 256))
    (i32.store (i32.const 68) (local.get $len))
    (drop (call $fd_read (local.get $fd) (i32.const 64) (i32.const 1) (i32.const 72)))
    (call $print_line (i32.const 256) (i32.load (i32.const 72))))

  ;; Opens `name` (at `ptr`, `len` bytes) in preopen 3 with `rights`; returns the errno, the fd at 80.
  (func $open (param $ptr i32) (param $len i32) (param $rights i64) (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (local.get $ptr) (local.get $len) (i32.const 0)
      (local.get $rights) (i64.const 0) (i32.const 0) (i32.const 80)))

  (func (export "run") (result i32)
    (local $fd i32)
    (drop (call $prestat_dir_name (i32.const 3) (i32.const 0) (i32.const 4)))
    (call $print_line (i32.const 0) (i32.const 4))

    ;; fd_read (1 << 1)
    (drop (call $open (i32.const 32) (i32.const 7) (i64.const 2)))
    (local.set $fd (i32.load (i32.const 80)))
    (call $read_and_print (local.get $fd) (i32.const 12))
    (call $read_and_print (local.get $fd) (i32.const 6))
    (drop (call $fd_close (local.get $fd)))

    (drop (call $open (i32.const 48) (i32.const 4) (i64.const 2)))
    (local.set $fd (i32.load (i32.const 80)))
    (i32.store (i32.const 256) (i32.const 0x78787878))
    (call $read_and_print (local.get $fd) (i32.const 4))
    (drop (call $fd_close (local.get $fd)))

    ;; filetype is the byte at offset 16 of a filestat.
    (drop (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 48) (i32.const 4) (i32.const 96)))
    (i32.store8 (i32.const 256) (i32.add (i32.const 48) (i32.load8_u (i32.const 112))))
    (call $print_line (i32.const 256) (i32.const 1))

    ;; fd_read | fd_write (1 << 6)
    (call $open (i32.const 32) (i32.const 7) (i64.const 66))))
