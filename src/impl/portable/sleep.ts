/**
 * Blocking for poll_oneoff without Node. Atomics.wait blocks without spinning,
 * but browsers forbid it on the main thread (it throws a TypeError there); in
 * that case the wait falls back to a loop on performance.now(), which
 * burns CPU for the duration: a guest that sleeps belongs in a worker.
 */
let cell: Int32Array | null = typeof SharedArrayBuffer === "function" ? new Int32Array(new SharedArrayBuffer(4)) : null;

export function portableSleep(nanoseconds: bigint): void {
  if (nanoseconds <= 0n) return;
  const milliseconds = Number(nanoseconds) / 1e6;
  if (cell !== null) {
    try {
      Atomics.wait(cell, 0, 0, milliseconds);
      return;
    } catch {
      cell = null;
    }
  }
  const end = performance.now() + milliseconds;
  while (performance.now() < end) {
    // Spinning is the only synchronous wait left here.
  }
}
