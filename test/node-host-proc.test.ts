// proc_exit, proc_raise and sched_yield through the generated glue.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errno, signal } from "../src/generated/preview1/types.js";
import { ExitSignal, Harness } from "./support/node-host-harness.js";

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(() => h.close());

describe("proc_exit", () => {
  it("hands the exit code to onExit, whose passthrough error leaves the glue unchanged", () => {
    let thrown: unknown;
    try {
      h.imports.proc_exit(42);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ExitSignal);
    expect((thrown as ExitSignal).code).toBe(42);
  });

  it("passes the full u32 range", () => {
    expect(() => h.imports.proc_exit(-1)).toThrow(expect.objectContaining({ code: 0xffffffff }));
  });
});

describe("proc_raise", () => {
  it("refuses every signal that would end or stop a process with notsup, so the embedder is never signalled", () => {
    for (const sig of [signal.hup, signal.int, signal.term, signal.kill, signal.usr1, signal.abrt, signal.stop, signal.tstp, signal.alrm]) {
      expect(h.imports.proc_raise(sig)).toBe(errno.notsup);
    }
  });

  it("succeeds, doing nothing, for signals a process ignores by default, for cont and for signal 0", () => {
    for (const sig of [signal.none, signal.chld, signal.urg, signal.winch, signal.pipe, signal.cont]) {
      expect(h.imports.proc_raise(sig)).toBe(errno.success);
    }
  });

  it("refuses an unknown signal number with inval", () => {
    expect(h.imports.proc_raise(200)).toBe(errno.inval);
  });
});

describe("sched_yield", () => {
  it("succeeds", () => {
    expect(h.imports.sched_yield()).toBe(errno.success);
  });
});
