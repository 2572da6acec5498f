/**
 * Blocking without spinning: Atomics.wait on a private cell nobody ever
 * notifies returns after the timeout, and Node allows it on the main thread.
 */
const cell = new Int32Array(new SharedArrayBuffer(4));

export function sleepMilliseconds(milliseconds: number): void {
  if (milliseconds > 0) Atomics.wait(cell, 0, 0, milliseconds);
}

export function sleepNanoseconds(nanoseconds: bigint): void {
  if (nanoseconds > 0n) sleepMilliseconds(Number(nanoseconds) / 1e6);
}
