// The stdio descriptors through the generated glue: a redirected file read at
// the shared OS offset, and pipes whose host fd is non-blocking, which must
// still behave like a native program's blocking stdin and stdout unless the
// guest itself asked for non-blocking I/O.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { errno, fdflags, filetype, rights } from "../src/generated/preview1/types.js";
import { Harness, perTestDirectory } from "./support/node-host-harness.js";

const { O_RDONLY, O_WRONLY, O_NONBLOCK, O_RDWR } = fs.constants;
const scratch = perTestDirectory("node-host-stdio-");
const { open } = scratch;

function harness(options: ConstructorParameters<typeof Harness>[0]): Harness {
  const h = new Harness(options);
  return scratch.keep(h);
}

/** A FIFO with both ends open and non-blocking, as Node leaves pipes it uses. */
function nonBlockingPipe(): { read: number; write: number } {
  const fifo = path.join(scratch.dir, "fifo");
  execFileSync("mkfifo", [fifo]);
  const read = open(fifo, O_RDONLY | O_NONBLOCK);
  const write = open(fifo, O_WRONLY | O_NONBLOCK);
  return { read, write };
}

/** Runs `body` (a function of `fd` and `data`) in a worker thread, which shares our fd table. */
function inWorker(body: string, workerData: unknown): Promise<unknown> {
  const worker = new Worker(
    `const { workerData, parentPort } = require("node:worker_threads"); const fs = require("node:fs"); (${body})(workerData).then((r) => parentPort.postMessage(r));`,
    {
      eval: true,
      workerData,
    },
  );
  return new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

describe("stdin redirected from a file", () => {
  it("reads in order at the OS offset, is a regular file without seek rights", () => {
    fs.writeFileSync(path.join(scratch.dir, "in.txt"), "line one\nline two\n");
    const stdin = open(path.join(scratch.dir, "in.txt"), O_RDONLY);
    const h = harness({ stdin });
    expect(h.read(0, 9)).toEqual([errno.success, "line one\n"]);
    expect(h.read(0, 100)).toEqual([errno.success, "line two\n"]);
    expect(h.read(0, 100)).toEqual([errno.success, ""]);
    const [, stat] = h.fdstat(0);
    expect(stat!.fs_filetype).toBe(filetype.regular_file);
    expect(stat!.fs_rights_base & (rights.fd_seek | rights.fd_tell)).toBe(0n);
    expect(h.seek(0, 0n, 0)[0]).toBe(errno.notcapable);
    expect(h.filestat(0)[1]!.size).toBe(18n);
  });
});

describe("stdin on a non-blocking pipe", () => {
  it("blocks until data arrives instead of returning again", async () => {
    const pipe = nonBlockingPipe();
    const h = harness({ stdin: pipe.read });
    const writer = inWorker(
      `async ({ fd }) => { await new Promise((r) => setTimeout(r, 60)); fs.writeSync(fd, "hello"); return "written"; }`,
      { fd: pipe.write },
    );
    const start = performance.now();
    expect(h.read(0, 64)).toEqual([errno.success, "hello"]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(40);
    expect(await writer).toBe("written");
  });

  it("returns again when the guest asked for non-blocking I/O", () => {
    const pipe = nonBlockingPipe();
    const h = harness({ stdin: pipe.read });
    expect(h.imports.fd_fdstat_set_flags(0, fdflags.nonblock)).toBe(errno.success);
    expect(h.read(0, 64)[0]).toBe(errno.again);
    fs.writeSync(pipe.write, "now");
    expect(h.read(0, 64)).toEqual([errno.success, "now"]);
  });

  it("is reported ready by poll_oneoff (the read then blocks if need be)", () => {
    const pipe = nonBlockingPipe();
    const h = harness({ stdin: pipe.read });
    const [error, events] = h.poll([{ userdata: 1n, u: { tag: 1, value: { file_descriptor: 0 as never } } }]);
    expect(error).toBe(errno.success);
    expect(events.map((event) => [event.userdata, event.error])).toEqual([[1n, errno.success]]);
  });
});

describe("stdout on a non-blocking pipe", () => {
  it("writes everything, waiting while the pipe is full", async () => {
    const pipe = nonBlockingPipe();
    const total = 300_000;
    const h = harness({ stdout: pipe.write });
    const reader = inWorker(
      `async ({ fd, total }) => {
         const buffer = Buffer.alloc(65536); let got = 0;
         while (got < total) {
           try { got += fs.readSync(fd, buffer, 0, buffer.length, null); }
           catch (e) { if (e.code !== "EAGAIN") throw e; await new Promise((r) => setTimeout(r, 5)); }
         }
         return got;
       }`,
      { fd: pipe.read, total },
    );
    const data = new Uint8Array(total).fill(0x61);
    expect(h.write(1, data)).toEqual([errno.success, total]);
    expect(await reader).toBe(total);
  });
});

describe("stdio kinds", () => {
  it("a character device has no seek rights (so isatty holds) and /dev/null reads as empty", () => {
    const devNull = open("/dev/null", O_RDWR);
    const h = harness({ stdin: devNull, stdout: devNull });
    const [, stat] = h.fdstat(0);
    expect(stat!.fs_filetype).toBe(filetype.character_device);
    expect(stat!.fs_rights_base & (rights.fd_seek | rights.fd_tell)).toBe(0n);
    expect(h.read(0, 10)).toEqual([errno.success, ""]);
    expect(h.write(1, "gone")).toEqual([errno.success, 4]);
    expect(h.pread(0, 0n, 1)[0]).toBe(errno.notcapable);
  });

  it("a pipe is of unknown type", () => {
    const pipe = nonBlockingPipe();
    const h = harness({ stdin: pipe.read });
    expect(h.fdstat(0)[1]!.fs_filetype).toBe(filetype.unknown);
  });
});
