;; The floor: the cost of a call from wasm into a JavaScript function that does
;; nothing. Every WASI import our host provides is such a call plus its work,
;; so no host call can be faster than this. `run0` calls a no-argument import,
;; `run4` one shaped like most WASI functions (four i32 in, an i32 errno out).
(module
  (import "bench" "noop0" (func $noop0))
  (import "bench" "noop4" (func $noop4 (param i32 i32 i32 i32) (result i32)))
  (func (export "run0") (param $n i32)
    (local $i i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $noop0)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again))))
  ;; Returns how many calls returned something other than 0, so the caller can check.
  (func (export "run4") (param $n i32) (result i32)
    (local $i i32)
    (local $bad i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (call $noop4 (local.get $i) (i32.const 1) (i32.const 2) (i32.const 3))
          (then (local.set $bad (i32.add (local.get $bad) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.get $bad)))
