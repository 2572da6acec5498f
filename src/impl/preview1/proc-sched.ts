/**
 * proc_exit, proc_raise, sched_yield.
 *
 * proc_raise. The guest runs inside the embedding Node process, so a real
 * signal would act on the embedder (node:wasi does raise it; SIGTERM ends
 * Node). What a native process sees is decided by the signal's default action:
 * for the signals whose default is to be ignored (per the witx: pipe, chld,
 * urg, winch), or to continue a process that is not stopped (cont), raising
 * has no effect, so we succeed doing nothing; signal 0 is "no signal" and
 * succeeds too. Every other signal would end or stop the process, which the
 * host will not do to its embedder: `notsup`.
 */
import * as signal from "../../generated/preview1/signal.js";
import type { Signal } from "../../generated/preview1/types.js";
import * as errno from "../../generated/preview1/errno.js";
import type { HostMethods } from "./host-class.js";

const withoutEffect: ReadonlySet<Signal> = new Set<Signal>([signal.none, signal.pipe, signal.chld, signal.cont, signal.urg, signal.winch]);

export const procSchedMethods: HostMethods<"proc_exit" | "proc_raise" | "sched_yield"> = {
  proc_exit(code) {
    this.onExit(code);
  },
  proc_raise(sig) {
    return withoutEffect.has(sig) ? errno.success : errno.notsup;
  },
  // One thread, nothing to yield to: returning is yielding.
  sched_yield() {
    return errno.success;
  },
};
