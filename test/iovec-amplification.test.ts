// A guest can name one buffer in every iovec of a list, so one call's total is
// not bounded by its memory: 1,024 iovecs over one 8 MiB buffer add up to
// 8 GiB. The guest (test/guests/c-embedding/iovecs.c) makes one such call; each
// run is a child process (test/support/iovec-guest-child.ts) with a time limit,
// since the defect guarded against here hung the thread inside the host call.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { errno } from "../src/generated/preview1/types.js";
import { maxBytesPerCall } from "../src/impl/limits.js";
import { maxSinkWrite } from "../src/impl/stdio/output-sink.js";
import type { IovecRun } from "./support/iovec-guest-child.js";

const child = fileURLToPath(new URL("./support/iovec-guest-child.ts", import.meta.url));
const eightMiB = 8 << 20;
const fourMiB = 4 << 20;

function runIovecs(host: "ours" | "node", sink: "devnull" | "callback" | "capture", ...args: (string | number)[]): IovecRun {
  const run = spawnSync(process.execPath, ["--import", "tsx", "--no-warnings", child, host, sink, ...args.map(String)], {
    encoding: "utf8",
    timeout: 30_000,
  });
  if (run.error !== undefined) throw new Error(`the guest did not finish: ${run.error.message}`);
  return JSON.parse(run.stdout) as IovecRun;
}

/** The guest's one report line: the call's errno and the bytes it says it moved. */
function outcome(run: IovecRun): { errno: number; count: number } {
  expect(run.error).toBeUndefined();
  expect(run.exitCode).toBe(0);
  const match = /^\w+: errno (\d+) count (\d+)$/m.exec(run.report);
  expect(match, run.report).not.toBeNull();
  return { errno: Number(match![1]), count: Number(match![2]) };
}

describe("one call whose iovecs repeat one buffer", () => {
  it("fd_write of 1,024 × 8 MiB to stdout (/dev/null) returns a short count of maxBytesPerCall instead of spinning", () => {
    expect(outcome(runIovecs("ours", "devnull", "write", "stdout", 1024, eightMiB))).toEqual({
      errno: errno.success,
      count: maxBytesPerCall,
    });
  });

  // node:wasi is wrong here: it writes all 8 GiB and reports the total as a 32-bit int, which wraps to 0.
  it("node:wasi reports 0 bytes for the same write (the 8 GiB total wrapped)", () => {
    expect(outcome(runIovecs("node", "devnull", "write", "stdout", 1024, eightMiB))).toEqual({ errno: errno.success, count: 0 });
  });

  it.each(["pwrite", "write"])("fd_%s of 2^31 + 4096 bytes to an opened file (/dev/null) gives the true short count, not io", (call) => {
    expect(outcome(runIovecs("ours", "devnull", call, "null", 512, fourMiB, 4096))).toEqual({
      errno: errno.success,
      count: maxBytesPerCall,
    });
  });

  // node:wasi is wrong here: it writes everything, then answers nosys with nothing written.
  it("node:wasi answers nosys for the same pwrite, after writing it", () => {
    expect(outcome(runIovecs("node", "devnull", "pwrite", "null", 512, fourMiB, 4096))).toEqual({ errno: errno.nosys, count: 0 });
  });

  it("fd_read of 1,024 × 8 MiB from stdin (/dev/null) is end of file", () => {
    expect(outcome(runIovecs("ours", "devnull", "read", "stdin", 1024, eightMiB))).toEqual({ errno: errno.success, count: 0 });
  });

  it.each(["callback", "capture"] as const)(
    "a JavaScript sink (%s) takes at most maxSinkWrite bytes of it, in one bounded copy",
    (sink) => {
      const run = runIovecs("ours", sink, "write", "stdout", 1024, eightMiB);
      expect(outcome(run)).toEqual({ errno: errno.success, count: maxSinkWrite });
      expect(run.deliveries!.total).toBe(maxSinkWrite);
      if (sink === "callback") expect(run.deliveries).toEqual({ count: 1, largest: maxSinkWrite, total: maxSinkWrite });
      // Before the bound, this one call allocated a copy of the whole 8 GiB total (1 GiB for 128 iovecs).
      expect(run.arrayBufferGrowth).toBeLessThan(64 << 20);
    },
  );

  it("a write within the sink's bound arrives whole, in one delivery", () => {
    const run = runIovecs("ours", "callback", "write", "stdout", 4, 1000);
    expect(outcome(run)).toEqual({ errno: errno.success, count: 4000 });
    expect(run.deliveries).toEqual({ count: 1, largest: 4000, total: 4000 });
  });
});
