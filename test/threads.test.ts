/**
 * wasi-threads on the worker runner: hand-written guests (test/threads/programs.ts)
 * that spawn threads, coordinate with memory.atomic.wait32/notify, share the
 * one host, and end the run from every kind of thread: main or spawned,
 * blocked in an atomic wait, busy in a loop, or inside a WASI call (fd_read,
 * poll_oneoff). After each run no worker thread is left (the process's OS
 * threads are counted before and after).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runInWorker } from "../src/index.js";
import { watToBytes } from "./support/compile-wat.js";
import { DONE, programText, READY, TIDS, type Program } from "./threads/programs.js";

const osThreads = () => readdirSync("/proc/self/task").length;

async function run(program: Program, options: { stdin?: PassThrough } = {}) {
  const bytes = watToBytes(programText(program), { threads: true });
  let stdout = "";
  const before = osThreads();
  const stdin = options.stdin ?? new PassThrough();
  const settled = await runInWorker(bytes, {
    version: "preview1",
    args: ["threads"],
    stdio: {
      stdin,
      stdout: (chunk: Uint8Array) => {
        stdout += Buffer.from(chunk).toString();
      },
    },
  }).then(
    (code) => ({ code, error: undefined }),
    (error: unknown) => ({ code: undefined, error }),
  );
  return { ...settled, stdout, leftover: osThreads() - before };
}

/** Spawns one thread with `arg` and prints its id as "spawned <tid>". */
const spawnOne = (say: Parameters<Program["main"]>[0], arg = 0) =>
  `(local.set $tid (call $spawn (i32.const ${arg}))) ${say("spawned ", "(local.get $tid)")}`;

/** The main thread waits until `n` threads have signalled READY, then lets them get into their call. */
const awaitReady = (n = 1) => `(call $await (i32.const ${READY}) (i32.const ${n})) (drop (call $sleep_ms (i32.const 100) (i32.const 0)))`;

const readyThen = (body: string) => `(call $signal (i32.const ${READY})) ${body}`;

describe("wasi-threads", { timeout: 60_000 }, () => {
  it("1. a spawned thread runs wasi_thread_start(tid, arg) over the same memory and shares stdout", async () => {
    const result = await run({
      main: (say) =>
        `${spawnOne(say, 42)} (call $await (i32.const ${DONE}) (i32.const 1)) ${say("main saw done ", `(i32.atomic.load (i32.const ${DONE}))`)}`,
      thread: (say) =>
        `${say("thread arg ", "(local.get $arg)")} ${say("thread tid ", "(local.get $tid)")} (call $signal (i32.const ${DONE}))`,
    });
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^spawned 1\n/);
    expect(result.stdout).toContain("thread arg 42\nthread tid 1\n");
    expect(result.stdout).toMatch(/main saw done 1\n$/);
    expect(result.leftover).toBe(0);
  });

  it("2. thread ids are unique, positive and below 2^29; the memory import may have any name", async () => {
    const result = await run({
      memory: ["js", "the-memory"],
      main: (say) => `
        (local.set $i (i32.const 0))
        (loop $next
          (drop (call $spawn (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $next (i32.lt_u (local.get $i) (i32.const 4))))
        (call $await (i32.const ${DONE}) (i32.const 4))
        (local.set $i (i32.const 0))
        (loop $print
          ${say("tid ", `(i32.atomic.load (i32.add (i32.const ${TIDS}) (i32.shl (local.get $i) (i32.const 2))))`)}
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $print (i32.lt_u (local.get $i) (i32.const 4))))`,
      thread: () =>
        `(i32.atomic.store (i32.add (i32.const ${TIDS}) (i32.shl (local.get $arg) (i32.const 2))) (local.get $tid)) (call $signal (i32.const ${DONE}))`,
    });
    expect(result.code).toBe(0);
    const tids = [...result.stdout.matchAll(/tid (\d+)/g)].map((match) => Number(match[1]));
    expect(tids).toHaveLength(4);
    expect(new Set(tids).size).toBe(4);
    for (const tid of tids) expect(tid > 0 && tid < 2 ** 29).toBe(true);
    expect(result.leftover).toBe(0);
  });

  it("3. three threads writing at once through their own channels: every line arrives whole", async () => {
    const lines = 150;
    const writer = (say: Parameters<Program["main"]>[0], who: string, tid: string) => `
        (local.set $i (i32.const 0))
        (loop $more
          ${say(`${who} line `, "(local.get $i)", tid)}
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $more (i32.lt_u (local.get $i) (i32.const ${lines}))))`;
    const result = await run({
      main: (say) =>
        `(drop (call $spawn (i32.const 0))) (drop (call $spawn (i32.const 1))) ${writer(say, "main", "(i32.const 0)")} (call $await (i32.const ${DONE}) (i32.const 2))`,
      thread: (say) => `${writer(say, "thread", "(local.get $tid)")} (call $signal (i32.const ${DONE}))`,
    });
    expect(result.code).toBe(0);
    const all = result.stdout.split("\n").filter(Boolean);
    expect(all).toHaveLength(3 * lines);
    for (const line of all) expect(line).toMatch(/^(main|thread) line \d+$/);
    for (let i = 0; i < lines; i++) expect(all.filter((line) => line.endsWith(` line ${i}`))).toHaveLength(3);
    expect(result.leftover).toBe(0);
  });

  it("4. one fd table: a thread closes stdout and the main thread's write gets badf", async () => {
    const result = await run({
      main: (say) => `${spawnOne(say)} (call $await (i32.const ${DONE}) (i32.const 1))
        (local.set $r (call $write (i32.const 1) (i32.const 256) (i32.const 1) (i32.const 0)))
        (call $proc_exit (local.get $r))`,
      thread: () => `(drop (call $fd_close (i32.const 1))) (call $signal (i32.const ${DONE}))`,
    });
    expect(result.code).toBe(8); // errno.badf
    expect(result.stdout).toBe("spawned 1\n");
  });

  it("5. a thread returning from wasi_thread_start ends only that thread", async () => {
    const result = await run({
      main: (say) => `${spawnOne(say)} (call $await (i32.const ${DONE}) (i32.const 1))
        (drop (call $sleep_ms (i32.const 200) (i32.const 0)))
        ${spawnOne(say)} (call $await (i32.const ${DONE}) (i32.const 2)) ${say("main still here ", "(i32.const 2)")}`,
      thread: (say) => `${say("thread ", "(local.get $tid)")} (call $signal (i32.const ${DONE}))`,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("spawned 1\nthread 1\nspawned 2\nthread 2\nmain still here 2\n");
    expect(result.leftover).toBe(0);
  });

  it("6b. a thread blocked reading stdin that another thread closes: its read ends without an error and its next call works", async () => {
    const result = await run({
      main: (say) =>
        `${spawnOne(say)} ${awaitReady()} (drop (call $fd_close (i32.const 0))) (call $await (i32.const ${DONE}) (i32.const 1))`,
      thread: (say) =>
        readyThen(
          `(local.set $r (call $read_stdin (local.get $tid))) ${say("read errno ", "(local.get $r)")} (call $signal (i32.const ${DONE}))`,
        ),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("spawned 1\nread errno 0\n");
  });

  it("6. a module without wasi_thread_start: thread-spawn fails with a negative value", async () => {
    const result = await run({
      main: (say) => `(local.set $r (call $spawn (i32.const 0))) ${say("negated result ", "(i32.sub (i32.const 0) (local.get $r))")}`,
    });
    expect(result.code).toBe(0);
    expect(Number(result.stdout.match(/negated result (\d+)/)?.[1])).toBeGreaterThan(0);
  });

  const exits: { name: string; main: string; thread: string; code: number }[] = [
    {
      name: "7. proc_exit in a spawned thread while main is blocked in an atomic wait",
      main: `${awaitReady()} (call $wait_forever)`,
      thread: readyThen(`(call $proc_exit (i32.const 7))`),
      code: 7,
    },
    {
      name: "8. proc_exit in a spawned thread while main is busy",
      main: `(call $spin)`,
      thread: `(call $proc_exit (i32.const 8))`,
      code: 8,
    },
    {
      name: "9. proc_exit in a spawned thread while main is in fd_read",
      main: `(drop (call $read_stdin (i32.const 0)))`,
      thread: `(drop (call $sleep_ms (i32.const 200) (local.get $tid))) (call $proc_exit (i32.const 9))`,
      code: 9,
    },
    {
      name: "10. proc_exit in main while a thread is blocked in an atomic wait",
      main: `${awaitReady()} (call $proc_exit (i32.const 10))`,
      thread: readyThen(`(call $wait_forever)`),
      code: 10,
    },
    {
      name: "11. proc_exit in main while a thread is busy",
      main: `${awaitReady()} (call $proc_exit (i32.const 11))`,
      thread: readyThen(`(call $spin)`),
      code: 11,
    },
    {
      name: "12. proc_exit in main while a thread is in poll_oneoff",
      main: `${awaitReady()} (call $proc_exit (i32.const 12))`,
      thread: readyThen(`(drop (call $sleep_ms (i32.const 3600000) (local.get $tid)))`),
      code: 12,
    },
    {
      name: "13. proc_exit in a thread while another thread is in poll_oneoff and main waits",
      main: `(drop (call $spawn (i32.const 1))) ${awaitReady(2)} (call $wait_forever)`,
      thread: `(if (local.get $arg) (then (call $signal (i32.const ${READY})) (drop (call $sleep_ms (i32.const 3600000) (local.get $tid)))) (else (call $signal (i32.const ${READY})) (call $await (i32.const ${READY}) (i32.const 2)) (drop (call $sleep_ms (i32.const 100) (local.get $tid))) (call $proc_exit (i32.const 13))))`,
      code: 13,
    },
    { name: "14. main returning from _start while a thread is busy", main: awaitReady(), thread: readyThen(`(call $spin)`), code: 0 },
    {
      name: "15. main returning from _start while a thread is blocked in an atomic wait",
      main: awaitReady(),
      thread: readyThen(`(call $wait_forever)`),
      code: 0,
    },
    {
      name: "16. main returning from _start while a thread is in fd_read",
      main: awaitReady(),
      thread: readyThen(`(drop (call $read_stdin (local.get $tid)))`),
      code: 0,
    },
  ];
  for (const { name, main, thread, code } of exits) {
    it(name, async () => {
      const result = await run({ main: (say) => `${spawnOne(say)} ${main}`, thread: () => thread });
      expect(result.error).toBeUndefined();
      expect(result.code).toBe(code);
      expect(result.leftover).toBe(0);
    });
  }

  const traps: { name: string; main: string; thread: string }[] = [
    {
      name: "17. a trap in a spawned thread while main is blocked in an atomic wait",
      main: `${awaitReady()} (call $wait_forever)`,
      thread: readyThen(`unreachable`),
    },
    {
      name: "18. a trap in a spawned thread while main is in poll_oneoff",
      main: `(drop (call $sleep_ms (i32.const 3600000) (i32.const 0)))`,
      thread: `(drop (call $sleep_ms (i32.const 200) (local.get $tid))) unreachable`,
    },
    { name: "19. a trap in main while a thread is busy", main: `${awaitReady()} unreachable`, thread: readyThen(`(call $spin)`) },
    {
      name: "20. a trap in main while a thread is in fd_read",
      main: `${awaitReady()} unreachable`,
      thread: readyThen(`(drop (call $read_stdin (local.get $tid)))`),
    },
  ];
  for (const { name, main, thread } of traps) {
    it(name, async () => {
      const result = await run({ main: (say) => `${spawnOne(say)} ${main}`, thread: () => thread });
      expect(result.error).toBeInstanceOf(WebAssembly.RuntimeError);
      expect((result.error as Error).message).toMatch(/unreachable/);
      expect(result.leftover).toBe(0);
    });
  }

  it("21. a bad pointer in a spawned thread's WASI call traps the run from the host thread", async () => {
    const result = await run({
      main: (say) => `${spawnOne(say)} (call $wait_forever)`,
      thread: () => `(drop (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 0)))`,
    });
    expect(result.error).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(result.leftover).toBe(0);
  });
});

describe("wasi-threads from the CLI", { timeout: 60_000 }, () => {
  const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
  const runCli = (program: Program) => {
    const dir = mkdtempSync(join(tmpdir(), "witx-threads-"));
    try {
      const file = join(dir, "threads.wasm");
      writeFileSync(file, watToBytes(programText(program), { threads: true }));
      // stdin is /dev/null, which alone would run in-thread: the thread-spawn import picks the worker runner.
      return spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), "run", file], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        encoding: "utf8",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("22. runs a threaded program with no option; a thread's proc_exit is the exit status", () => {
    const result = runCli({
      main: (say) => `${spawnOne(say, 5)} (call $wait_forever)`,
      thread: (say) => `${say("thread arg ", "(local.get $arg)")} (call $proc_exit (i32.const 3))`,
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("spawned 1\nthread arg 5\n");
    expect(result.status).toBe(3);
  });

  it("23. a trap in a spawned thread is the program's trap (exit 134, one line on stderr)", () => {
    const result = runCli({ main: (say) => `${spawnOne(say)} (call $wait_forever)`, thread: () => "unreachable" });
    expect(result.status).toBe(134);
    expect(result.stderr).toMatch(/the program trapped: unreachable/);
  });
});
