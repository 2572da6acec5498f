/** The host limits, as the hosts use them; defined with the glue that enforces some of them (src/runtime/limits.ts). */
export { defaultHostLimits, resolveHostLimits, type HostLimits } from "../runtime/limits.js";

/**
 * The most bytes one read, write, send or receive call moves, whatever its
 * iovecs add up to: Linux's MAX_RW_COUNT, the most one read(2)/write(2)
 * transfers (a short count beyond it is legal). A guest can name one buffer
 * many times, so a list's total is not bounded by its memory; cutting every
 * list to this total before any description sees it keeps counts below 2^31
 * (Node and libuv report them as 32-bit ints) and bounds what one call can
 * make the host write, copy or wait for.
 */
export const maxBytesPerCall = 0x7ffff000;

/**
 * `buffers` cut to a total of at most maxBytesPerCall: the list itself when it is within (no copy).
 * The common single buffer is answered here; this stays small enough for the optimizing compiler
 * to inline into every read and write, and the loop lives in cutToBytesPerCall.
 */
export function withinBytesPerCall(buffers: readonly Uint8Array[]): readonly Uint8Array[] {
  return buffers.length === 1 && buffers[0].length <= maxBytesPerCall ? buffers : cutToBytesPerCall(buffers);
}

function cutToBytesPerCall(buffers: readonly Uint8Array[]): readonly Uint8Array[] {
  let total = 0;
  for (let i = 0; i < buffers.length; i++) {
    const length = buffers[i].length;
    if (length > maxBytesPerCall - total) {
      const kept = buffers.slice(0, i);
      const room = maxBytesPerCall - total;
      if (room > 0) kept.push(buffers[i].subarray(0, room));
      return kept;
    }
    total += length;
  }
  return buffers;
}
