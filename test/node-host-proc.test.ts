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
  it("refuses every real signal with notsup, so the embedding process is never signalled", () => {
    for (const sig of [signal.hup, signal.int, signal.term, signal.kill, signal.usr1, signal.chld, signal.winch]) {
      expect(h.imports.proc_raise(sig)).toBe(errno.notsup);
    }
  });

  it("succeeds for signal 0, which is no signal", () => {
    expect(h.imports.proc_raise(signal.none)).toBe(errno.success);
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
