/**
 * What the Node runner (run-in-worker.ts) and the browser's (src/browser/) do
 * alike around a run: checking the stop options, sleeping without blocking the
 * host thread, and rebuilding an error the guest's worker reported. No Node here.
 */
import type { GuestEnd } from "./guest-side.js";

/** Refuses a `timeout` that is not a finite number of milliseconds and a `signal` that is not an AbortSignal. */
export function checkStopOptions(options: { readonly timeout?: unknown; readonly signal?: unknown }): void {
  const { timeout, signal } = options;
  if (timeout !== undefined && (typeof timeout !== "number" || !(timeout >= 0) || !Number.isFinite(timeout))) {
    throw new RangeError(`The "options.timeout" property must be a finite number of milliseconds >= 0. Received ${String(timeout)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`The "options.signal" property must be an AbortSignal. Received ${String(signal)}`);
  }
}

/** The runners' sleep: a timer, so the host thread's event loop keeps running while the guest waits. */
export function asyncSleep(nanoseconds: bigint): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.ceil(Number(nanoseconds) / 1e6)));
}

/** The error the guest's worker reported, as the same class with its message and the guest's stack. */
export function errorFromWorker(end: Extract<GuestEnd, { kind: "failed" }>): Error {
  const kinds: Record<string, new (message: string) => Error> = {
    RuntimeError: WebAssembly.RuntimeError,
    LinkError: WebAssembly.LinkError,
    CompileError: WebAssembly.CompileError,
    TypeError,
    RangeError,
  };
  const error = new (kinds[end.name] ?? Error)(end.message);
  error.stack = end.stack;
  return error;
}
