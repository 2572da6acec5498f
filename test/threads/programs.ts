/**
 * Hand-written wasi-threads guests for the tests: a .wat prelude (printing,
 * waiting, blocking in WASI calls) and, per case, the main thread's `_start`
 * body and the spawned threads' `wasi_thread_start` body. No wasm32-wasip1-threads
 * sysroot is packaged for Debian here (wasi-libc 0.0~git20220510 has no threads
 * build), so the C pthreads route is closed and these stand in for it.
 *
 * Memory (one page, shared, imported under the name each case picks):
 *   0..255     counters and flags the threads coordinate on (atomics)
 *   256..4095  the strings (a passive segment `_start` copies in: a spawned
 *              thread instantiates the module again, and an active segment
 *              would be re-applied each time)
 *   4096 + 256·tid  each thread's scratch (iovecs, number formatting, poll records)
 */

/** Where the program's counters live. */
export const READY = 0;
export const DONE = 4;
const NEVER = 8;
export const TIDS = 16;

export interface Program {
  /** The memory import's module and field names. */
  readonly memory?: readonly [string, string];
  /** `_start`'s body; the strings it prints are declared with `say`. */
  readonly main: (say: Say) => string;
  /** `wasi_thread_start`'s body (locals `$tid`, `$arg`); omitted: the module does not export it. */
  readonly thread?: (say: Say) => string;
}

/** `say("text", n)` prints "text<n>\n" from the thread whose id is in `tid` (main: 0). */
type Say = (text: string, number?: string, tid?: string) => string;

export function programText(program: Program): string {
  const strings: string[] = [];
  let used = 0;
  const say: Say = (text, number = "(i32.const 0)", tid = "(local.get $tid)") => {
    const offset = 256 + used;
    strings.push(text);
    used += Buffer.byteLength(text);
    if (256 + used > 4096) throw new Error("test program: too many strings");
    return `(call $say (i32.const ${offset}) (i32.const ${Buffer.byteLength(text)}) ${number} ${tid})`;
  };
  const main = program.main((text, number, tid = "(i32.const 0)") => say(text, number, tid));
  const thread = program.thread?.(say);
  const [memoryModule, memoryName] = program.memory ?? ["env", "memory"];
  const data = strings
    .join("")
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\n/g, "\\n");
  return `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "${memoryModule}" "${memoryName}" (memory 1 1 shared))
  (data $text "${data}")

  (func $scratch (param $tid i32) (result i32)
    (i32.add (i32.const 4096) (i32.mul (i32.and (local.get $tid) (i32.const 63)) (i32.const 256))))

  (func $write (param $fd i32) (param $ptr i32) (param $len i32) (param $tid i32) (result i32)
    (local $s i32)
    (local.set $s (call $scratch (local.get $tid)))
    (i32.store (local.get $s) (local.get $ptr))
    (i32.store offset=4 (local.get $s) (local.get $len))
    (call $fd_write (local.get $fd) (local.get $s) (i32.const 1) (i32.add (local.get $s) (i32.const 8))))

  ;; Prints the string at ptr/len, then n in decimal, then a newline, in one fd_write.
  (func $say (param $ptr i32) (param $len i32) (param $n i32) (param $tid i32)
    (local $s i32) (local $end i32) (local $p i32) (local $digits i32)
    (local.set $s (i32.add (call $scratch (local.get $tid)) (i32.const 16)))
    (memory.copy (local.get $s) (local.get $ptr) (local.get $len))
    (local.set $end (i32.add (local.get $s) (i32.const 200)))
    (local.set $p (local.get $end))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digit (local.get $n)))
    (local.set $digits (i32.sub (local.get $end) (local.get $p)))
    (memory.copy (i32.add (local.get $s) (local.get $len)) (local.get $p) (local.get $digits))
    (i32.store8 (i32.add (i32.add (local.get $s) (local.get $len)) (local.get $digits)) (i32.const 10))
    (drop (call $write (i32.const 1) (local.get $s) (i32.add (i32.add (local.get $len) (local.get $digits)) (i32.const 1)) (local.get $tid))))

  ;; Adds one to the counter at addr and wakes its waiters.
  (func $signal (param $addr i32)
    (drop (i32.atomic.rmw.add (local.get $addr) (i32.const 1)))
    (drop (memory.atomic.notify (local.get $addr) (i32.const -1))))

  ;; Waits until the counter at addr reaches n.
  (func $await (param $addr i32) (param $n i32)
    (local $seen i32)
    (block $done
      (loop $again
        (local.set $seen (i32.atomic.load (local.get $addr)))
        (br_if $done (i32.ge_u (local.get $seen) (local.get $n)))
        (drop (memory.atomic.wait32 (local.get $addr) (local.get $seen) (i64.const -1)))
        (br $again))))

  ;; Blocked in memory.atomic.wait32 on a counter nobody changes.
  (func $wait_forever
    (loop $again
      (drop (memory.atomic.wait32 (i32.const ${NEVER}) (i32.const 0) (i64.const -1)))
      (br $again)))

  ;; Busy: a loop with no call in it.
  (func $spin (loop $again (br $again)))

  ;; Blocked in fd_read on stdin; returns the errno (a test gives a stdin that never sends).
  (func $read_stdin (param $tid i32) (result i32)
    (local $s i32)
    (local.set $s (call $scratch (local.get $tid)))
    (i32.store (local.get $s) (i32.add (local.get $s) (i32.const 64)))
    (i32.store offset=4 (local.get $s) (i32.const 16))
    (call $fd_read (i32.const 0) (local.get $s) (i32.const 1) (i32.add (local.get $s) (i32.const 8))))

  ;; In poll_oneoff on one relative clock subscription of ms milliseconds; returns the errno.
  (func $sleep_ms (param $ms i32) (param $tid i32) (result i32)
    (local $s i32)
    (local.set $s (call $scratch (local.get $tid)))
    (i64.store offset=0 (local.get $s) (i64.const 0))
    (i32.store8 offset=8 (local.get $s) (i32.const 0))
    (i32.store offset=16 (local.get $s) (i32.const 1))
    (i64.store offset=24 (local.get $s) (i64.mul (i64.extend_i32_u (local.get $ms)) (i64.const 1000000)))
    (i64.store offset=32 (local.get $s) (i64.const 0))
    (i32.store16 offset=40 (local.get $s) (i32.const 0))
    (call $poll_oneoff (local.get $s) (i32.add (local.get $s) (i32.const 64)) (i32.const 1) (i32.add (local.get $s) (i32.const 96))))

  (func (export "_start")
    (local $tid i32) (local $r i32) (local $i i32)
    (memory.init $text (i32.const 256) (i32.const 0) (i32.const ${used}))
    ${main})
${
  thread === undefined
    ? ""
    : `
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (local $r i32) (local $i i32)
    ${thread})`
}
)`;
}
