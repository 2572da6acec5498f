/**
 * proc_exit, proc_raise, sched_yield.
 *
 * proc_raise: the guest runs inside the embedding Node process, so delivering
 * a real signal would act on the embedder (node:wasi does raise it; SIGTERM
 * ends Node). We refuse every signal with `notsup`, except signal 0, which
 * POSIX defines as "no signal" and which succeeds doing nothing.
 */
import type { Preview1Host } from "../generated/preview1/host.js";
import { errno, signal } from "../generated/preview1/types.js";

export function createProcMethods(onExit: (code: number) => never): Pick<Preview1Host, "proc_exit" | "proc_raise" | "sched_yield"> {
  return {
    proc_exit(code) {
      onExit(code);
    },
    proc_raise(sig) {
      return sig === signal.none ? errno.success : errno.notsup;
    },
    // One thread, nothing to yield to: returning is yielding.
    sched_yield() {
      return errno.success;
    },
  };
}
