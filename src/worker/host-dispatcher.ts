/**
 * The host thread's end of the call channel: waits (Atomics.waitAsync, so the
 * event loop keeps running) for the worker to post a call, runs it through the
 * generated dispatcher and glue, and answers. A call whose host method returned
 * a promise is answered when the promise settles (see async-host.ts).
 *
 * Once an import has thrown (proc_exit's unwinding, a trap such as a bad
 * pointer) the error is kept here and every later call is answered THREW too,
 * so a guest that swallows the unwinding cannot carry on against the host.
 */
import { ANSWERED, CALLING, CLOSED, FUNCTION, OUTCOME, RESULT, RETURNED, STATE, THREW } from "../runtime/channel-layout.js";
import type { Suspension } from "./async-host.js";

/** Calls import `index` with the arguments in the slots (the generated `dispatch…` bound to the glue). */
// biome-ignore lint/suspicious/noConfusingVoidType: the generated dispatch returns what the import returns, nothing for proc_exit's kind.
export type Dispatch = (index: number) => number | void;

/** Atomics.waitAsync (ES2024; in Node since 16), which the project's ES2022 lib does not declare. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/** Loads of the state before the host thread goes back to its event loop: a few microseconds. */
const callSpins = 2_000;

/** A macrotask boundary: setImmediate on Node, a zero timeout elsewhere. */
const nextTask = (): Promise<void> =>
  new Promise((resolve) => {
    const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
    if (immediate !== undefined) immediate(resolve);
    else setTimeout(resolve, 0);
  });

/** What the first throwing import threw; shared by the dispatchers of one run's threads. */
export interface DispatchFailure {
  thrown: { readonly error: unknown } | undefined;
}

export class HostDispatcher {
  private readonly control: Int32Array;

  constructor(
    channel: SharedArrayBuffer,
    private readonly dispatch: Dispatch,
    private readonly suspension: Suspension,
    private readonly failure: DispatchFailure = { thrown: undefined },
  ) {
    this.control = new Int32Array(channel);
  }

  /** What the first throwing import (of any thread sharing `failure`) threw; `undefined` while none has. */
  get thrown(): { readonly error: unknown } | undefined {
    return this.failure.thrown;
  }

  /** Serves calls until `close()`. */
  async serve(): Promise<void> {
    const control = this.control;
    let busySince = performance.now();
    while (Atomics.load(control, CLOSED) === 0) {
      // A guest that was just answered usually calls again within microseconds, while a
      // wake-up through waitAsync and the event loop costs tens of them: look briefly
      // first. Bounded, so the event loop is held up by at most a few microseconds.
      for (let spin = 0; spin < callSpins && Atomics.load(control, STATE) !== CALLING; spin++);
      if (Atomics.load(control, STATE) !== CALLING) {
        const waiting = waitAsync(control, STATE, ANSWERED);
        if (waiting.async) await waiting.value;
        busySince = performance.now();
        continue;
      }
      // A guest calling without pause would keep this loop from ever awaiting: let timers,
      // stream data and the embedder's code run at least once a millisecond.
      if (performance.now() - busySince > 1) {
        await nextTask();
        busySince = performance.now();
      }
      const pending = this.answer();
      if (pending !== undefined) await pending;
    }
  }

  /** Ends `serve()`; a call in flight is not answered. */
  close(): void {
    Atomics.store(this.control, CLOSED, 1);
    Atomics.notify(this.control, STATE);
  }

  private answer(): Promise<void> | undefined {
    // A promise that settles after the run ended has no one to answer.
    if (Atomics.load(this.control, CLOSED) !== 0) return undefined;
    if (this.thrown !== undefined) {
      this.reply(0, THREW);
      return undefined;
    }
    try {
      const result = this.dispatch(this.control[FUNCTION]);
      this.suspension.discard();
      this.reply(result ?? 0, RETURNED);
    } catch (error) {
      if (this.suspension.isSuspension(error)) return this.suspension.settle().then(() => this.answer());
      this.suspension.discard();
      this.failure.thrown = { error };
      this.reply(0, THREW);
    }
    return undefined;
  }

  private reply(result: number, outcome: number): void {
    if (Atomics.load(this.control, CLOSED) !== 0) return;
    const control = this.control;
    control[RESULT] = result;
    control[OUTCOME] = outcome;
    Atomics.store(control, STATE, ANSWERED);
    Atomics.notify(control, STATE);
  }
}
