/**
 * The worker runner with real C guests (test/worker/guests, built by
 * test/worker/build.sh): interactive stdin, poll readiness, async host
 * methods, stopping a guest, and how each fault ends a run.
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { captureOutput, extendAsyncHost, extendHost, GuestStopped, preview1, runInWorker, WASI } from "../src/index.js";

const { errno } = preview1.types;

const guest = (name: string) => readFileSync(new URL(`./worker/bin/${name}.wasm`, import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a guest in-thread with string stdin, for comparison. */
function runInThread(name: string, args: string[], stdin: string): { code: number; stdout: string } {
  const stdout = captureOutput();
  const wasi = new WASI({ version: "preview1", args, stdio: { stdin, stdout } });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(guest(name)), wasi.getImportObject() as WebAssembly.Imports);
  const code = wasi.start(instance);
  return { code, stdout: stdout.text() };
}

/** Collects a guest's stdout and lets a test wait until some text has appeared. */
function watchedOutput() {
  let text = "";
  const waiters: { seen: () => boolean; resolve: () => void }[] = [];
  const occurrences = (needle: string) => text.split(needle).length - 1;
  return {
    write: (bytes: Uint8Array) => {
      text += Buffer.from(bytes).toString();
      for (const waiter of waiters.splice(0)) {
        if (waiter.seen()) waiter.resolve();
        else waiters.push(waiter);
      }
    },
    text: () => text,
    /** Resolves once `needle` has appeared `times` times. */
    until: (needle: string, times = 1) =>
      new Promise<void>((resolve) => {
        const seen = () => occurrences(needle) >= times;
        if (seen()) resolve();
        else waiters.push({ seen, resolve });
      }),
  };
}

describe("interactive stdin", { timeout: 30_000 }, () => {
  it("sees each line as it arrives; each prompt is out before the next line is sent", async () => {
    const input = new PassThrough();
    const output = watchedOutput();
    const run = runInWorker(guest("line_echo"), { version: "preview1", args: ["echo"], stdio: { stdin: input, stdout: output.write } });
    for (const [index, line] of ["one", "two", "three"].entries()) {
      await output.until("> ", index + 1);
      // The guest now waits in fd_read; nothing more comes out until the line is sent.
      await sleep(30);
      expect(output.text().split("> ").length - 1).toBe(index + 1);
      input.write(`${line}\n`);
    }
    await output.until("3: three");
    input.end();
    expect(await run).toBe(0);
    expect(output.text()).toBe("> 1: one\n> 2: two\n> 3: three\n> bye\n");
    expect(output.text()).toBe(runInThread("line_echo", ["echo"], "one\ntwo\nthree\n").stdout);
  });

  it("keeps the event loop running while the guest waits in fd_read", async () => {
    const input = new PassThrough();
    let ticks = 0;
    const interval = setInterval(() => ticks++, 10);
    const run = runInWorker(guest("line_echo"), { version: "preview1", stdio: { stdin: input, stdout: () => {} } });
    await sleep(200);
    const ticked = ticks;
    input.end("x\n");
    expect(await run).toBe(0);
    clearInterval(interval);
    // 20 ticks on an idle machine; a loop blocked by the guest's wait would give none, and a
    // loaded machine drops a few (8 seen with other test runs beside this one).
    expect(ticked).toBeGreaterThanOrEqual(3);
  });

  it("reads an async iterable, a Node Readable and a web ReadableStream", async () => {
    async function* lines() {
      yield "a\n";
      await sleep(20);
      yield new TextEncoder().encode("b\n");
    }
    const web = new ReadableStream<string>({
      start(controller) {
        controller.enqueue("a\n");
        controller.enqueue("b\n");
        controller.close();
      },
    });
    for (const stdin of [lines(), Readable.from(["a\n", "b\n"]), web]) {
      const stdout = captureOutput();
      expect(await runInWorker(guest("line_echo"), { version: "preview1", stdio: { stdin, stdout } })).toBe(0);
      expect(stdout.text()).toBe("> 1: a\n> 2: b\n> bye\n");
    }
  });

  it("sees the end of a Node stream that ended or was destroyed before the run", async () => {
    const drained = Readable.from(["already read\n"]);
    for await (const _ of drained);
    const destroyed = new PassThrough();
    destroyed.destroy();
    for (const stdin of [drained, destroyed]) {
      expect(stdin.readableEnded || stdin.destroyed).toBe(true);
      const stdout = captureOutput();
      const run = runInWorker(guest("line_echo"), { version: "preview1", stdio: { stdin, stdout }, timeout: 10_000 });
      expect(await run).toBe(0);
      expect(stdout.text()).toBe("> bye\n");
    }
  });
});

describe("output that pushes back", { timeout: 30_000 }, () => {
  it("a slow Writable holds the guest at its highWaterMark and gets every byte", async () => {
    const received: Buffer[] = [];
    let mostBuffered = 0;
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _encoding, done) {
        received.push(chunk);
        mostBuffered = Math.max(mostBuffered, slow.writableLength);
        setTimeout(done, 1);
      },
    });
    const lines = Array.from({ length: 40 }, (_, index) => `line ${index}\n`).join("");
    expect(await runInWorker(guest("line_echo"), { version: "preview1", stdio: { stdin: lines, stdout: slow } })).toBe(0);
    // The last writes may still sit in the stream's buffer (below its highWaterMark): the stream is the embedder's to end.
    slow.end();
    await finished(slow);
    const text = Buffer.concat(received).toString();
    expect(text).toBe(runInThread("line_echo", ["line_echo"], lines).stdout);
    // Without waiting for 'drain' every write would pile up in the stream's buffer.
    expect(mostBuffered).toBeLessThanOrEqual(64 + 16);
  });

  it("an async callback is awaited before the write returns", async () => {
    const order: string[] = [];
    const stdout = async (bytes: Uint8Array) => {
      await sleep(5);
      order.push(Buffer.from(bytes).toString());
    };
    expect(await runInWorker(guest("line_echo"), { version: "preview1", stdio: { stdin: "a\nb\n", stdout } })).toBe(0);
    expect(order.join("")).toBe("> 1: a\n> 2: b\n> bye\n");
  });
});

describe("poll_oneoff readiness on stdin", { timeout: 30_000 }, () => {
  it("times out while nothing arrives, then reports data, then POLLIN|POLLHUP at EOF", async () => {
    const input = new PassThrough();
    const output = watchedOutput();
    const run = runInWorker(guest("poll_stdin"), {
      version: "preview1",
      args: ["poll", "40"],
      stdio: { stdin: input, stdout: output.write },
    });
    await output.until("timeout\n");
    input.write("abc");
    await output.until("read 3\n");
    input.end();
    expect(await run).toBe(0);
    const lines = output.text().trim().split("\n");
    expect(lines.at(-1)).toBe("ready IN HUP eof");
    expect(lines.at(-2)).toBe("ready IN read 3");
    expect(lines.slice(0, -2).every((line) => line === "timeout")).toBe(true);
  });

  it("prints the same as in-thread for stdin given up front: POLLIN|POLLHUP at its end", async () => {
    const stdout = captureOutput();
    expect(await runInWorker(guest("poll_stdin"), { version: "preview1", args: ["poll", "50"], stdio: { stdin: "abc", stdout } })).toBe(0);
    expect(stdout.text()).toBe("ready IN read 3\nready IN HUP eof\n");
    expect(runInThread("poll_stdin", ["poll", "50"], "abc")).toEqual({ code: 0, stdout: stdout.text() });
  });

  it("waits for data without a timeout and without spinning", async () => {
    const input = new PassThrough();
    const output = watchedOutput();
    let polls = 0;
    const run = runInWorker(guest("poll_stdin"), {
      version: "preview1",
      args: ["poll", "-1"],
      stdio: { stdin: input, stdout: output.write },
      host: (base) =>
        extendAsyncHost(base, (original) => ({
          poll_oneoff(...args: Parameters<typeof original.poll_oneoff>) {
            polls++;
            return original.poll_oneoff(...args);
          },
        })),
    });
    // Once the guest is in its poll (the worker's start-up takes a while on a loaded
    // machine), give it a quiet stretch.
    while (polls === 0) await sleep(10);
    await sleep(300);
    const pollsWhileWaiting = polls;
    input.end("z");
    expect(await run).toBe(0);
    expect(output.text()).toBe("ready IN read 1\nready IN HUP eof\n");
    // One poll_oneoff, asked once and replayed once when stdin changes: a poll that spun
    // (zero-timeout polls in a loop, in the guest or the host) would have asked thousands of times.
    expect(pollsWhileWaiting).toBe(1);
    expect(polls).toBeLessThanOrEqual(4);
  });
});

describe("async host methods", { timeout: 30_000 }, () => {
  it("answers a call when the override's promise settles", async () => {
    const stdout = captureOutput();
    let ticks = 0;
    const interval = setInterval(() => ticks++, 5);
    const code = await runInWorker(guest("faults"), {
      version: "preview1",
      args: ["faults", "random"],
      stdio: { stdout },
      host: (base) =>
        extendAsyncHost(base, () => ({
          async random_get(buffer) {
            await sleep(60);
            buffer.fill(0xab);
            return errno.success;
          },
        })),
    });
    clearInterval(interval);
    expect(code).toBe(0);
    expect(stdout.text()).toBe("mode random\nbytes ab ab ab ab\n");
    expect(ticks).toBeGreaterThanOrEqual(5);
  });

  const failures: [string, () => never | Promise<never>][] = [
    ["its promise rejects", () => Promise.reject(new Error("no entropy today"))],
    [
      "it throws",
      () => {
        throw new Error("broken");
      },
    ],
  ];
  it.each(failures)("gives the guest io and reports the function when %s", async (_how, random_get) => {
    const stdout = captureOutput();
    const reported: string[] = [];
    const code = await runInWorker(guest("faults"), {
      version: "preview1",
      args: ["faults", "random"],
      stdio: { stdout },
      onHostError: (name) => void reported.push(name),
      host: (base) => extendAsyncHost(base, () => ({ random_get })),
    });
    expect(code).toBe(4);
    // wasi-libc's errno values are WASI's.
    expect(stdout.text()).toBe(`mode random\ngetentropy failed: errno ${errno.io}\n`);
    expect(reported).toEqual(["random_get"]);
  });
});

describe("which mode takes async host methods (the types)", () => {
  it("the in-thread WASI's host option does not compile with an async override; the worker runner's does", () => {
    const asyncOverride = async (buffer: Uint8Array) => {
      buffer.fill(1);
      return errno.success;
    };
    // @ts-expect-error -- a promise where the in-thread glue needs an errno now
    const inThread = () => new WASI({ version: "preview1", host: (base) => extendHost(base, () => ({ random_get: asyncOverride })) });
    const inWorker = () => runInWorker(guest("faults"), { host: (base) => extendAsyncHost(base, () => ({ random_get: asyncOverride })) });
    expect([typeof inThread, typeof inWorker]).toEqual(["function", "function"]);
  });
});

describe("stopping a guest", { timeout: 30_000 }, () => {
  it("stops an endless loop after the timeout", async () => {
    const output = watchedOutput();
    const started = Date.now();
    const error = await runInWorker(guest("spin"), { version: "preview1", stdio: { stdout: output.write }, timeout: 3000 }).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(GuestStopped);
    expect(error.reason).toBe("timeout");
    expect(output.text()).toBe("spinning\n");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("stops an endless loop on abort", async () => {
    const controller = new AbortController();
    const output = watchedOutput();
    const run = runInWorker(guest("spin"), { version: "preview1", stdio: { stdout: output.write }, signal: controller.signal });
    await output.until("spinning\n");
    controller.abort();
    const error = await run.catch((caught) => caught);
    expect(error).toBeInstanceOf(GuestStopped);
    expect(error.reason).toBe("abort");
  });

  it("stops a guest whose signal aborts before or while it starts", async () => {
    for (const when of ["before", "while compiling"]) {
      const controller = new AbortController();
      if (when === "before") controller.abort();
      const run = runInWorker(guest("spin"), { version: "preview1", stdio: { stdout: () => {} }, signal: controller.signal });
      controller.abort();
      const error = await run.catch((caught) => caught);
      expect(error).toBeInstanceOf(GuestStopped);
      expect(error.reason).toBe("abort");
    }
  });

  it("stops a guest blocked in fd_read, and lets go of its stdin", async () => {
    const input = new PassThrough();
    const error = await runInWorker(guest("line_echo"), {
      version: "preview1",
      stdio: { stdin: input, stdout: () => {} },
      timeout: 100,
    }).catch((caught) => caught);
    expect(error).toBeInstanceOf(GuestStopped);
    expect(input.listenerCount("data")).toBe(0);
  });

  it("closes every descriptor of a stopped guest (its preopens included)", async () => {
    const directory = mkdtempSync(join(tmpdir(), "worker-runner-"));
    // The process's descriptors on the preopened directory: counting all of them would
    // also count those of worker threads still shutting down (their event loops' own).
    const openFds = () =>
      readdirSync("/proc/self/fd").filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(directory);
        } catch {
          return false;
        }
      }).length;
    const before = openFds();
    const run = runInWorker(guest("line_echo"), {
      version: "preview1",
      preopens: { "/a": directory, "/b": directory },
      stdio: { stdin: new PassThrough(), stdout: () => {} },
      timeout: 1000,
    });
    await sleep(200);
    const during = openFds();
    const error = await run.catch((caught) => caught);
    const after = openFds();
    rmSync(directory, { recursive: true });
    expect(error).toBeInstanceOf(GuestStopped);
    expect([before, during > 0, after]).toEqual([0, true, 0]);
  });

  it("refuses a bad timeout by name", async () => {
    await expect(runInWorker(guest("spin"), { timeout: -1 })).rejects.toThrow(/options\.timeout/);
  });
});

describe("faults", { timeout: 30_000 }, () => {
  it("a guest trap rejects with the guest's stack", async () => {
    const error = await runInWorker(guest("faults"), { version: "preview1", args: ["f", "trap"], stdio: { stdout: () => {} } }).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(error.message).toBe("unreachable");
    expect(error.stack).toContain("crash_here");
  });

  it("proc_exit resolves with its code, as in-thread", async () => {
    const stdout = captureOutput();
    expect(await runInWorker(guest("faults"), { version: "preview1", args: ["f", "exit"], stdio: { stdout } })).toBe(7);
    expect(runInThread("faults", ["f", "exit"], "")).toEqual({ code: 7, stdout: stdout.text() });
  });

  it("a bad pointer traps on the host thread; the error carries the guest's stack", async () => {
    const error = await runInWorker(guest("faults"), { version: "preview1", args: ["f", "badptr"], stdio: { stdout: () => {} } }).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(error.message).toMatch(/fd_write: argument iovs/);
    expect(error.guestStack).toContain("__wasi_fd_write");
  });

  it("the fault mode gives the guest errno.fault instead", async () => {
    const stdout = captureOutput();
    const code = await runInWorker(guest("faults"), { version: "preview1", args: ["f", "badptr"], stdio: { stdout }, badPointer: "fault" });
    expect(code).toBe(3);
    expect(stdout.text()).toBe(`mode badptr\nfd_write returned ${errno.fault}\n`);
  });
});
