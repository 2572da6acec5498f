;; The package's first-run module: writes "Hello from WASI!" to stdout through
;; fd_write and ends with exit code 0, or with fd_write's errno if the write fails.
;; It ships in the package (examples/hello-world.wasm) so the README's first run
;; works from an installed copy. Rebuild: node scripts/build-examples.mjs
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param $fd i32) (param $iovs i32) (param $iovs_len i32) (param $nwritten i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param $code i32)))
  (memory (export "memory") 1)
  ;; One iovec at address 0 pointing at the text at address 16; nwritten lands at 8.
  (data (i32.const 0) "\10\00\00\00\11\00\00\00")
  (data (i32.const 16) "Hello from WASI!\n")
  (func (export "_start")
    (call $proc_exit (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
