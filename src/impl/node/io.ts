/**
 * Scatter/gather I/O on a host fd with the fewest calls: one iovec goes
 * straight to readSync/writeSync on the guest's own memory, several go to
 * readvSync/writevSync (one readv/writev system call). `position` null means
 * the OS file offset (streams); a number means pread/pwrite. The lists come
 * cut to maxBytesPerCall (limits.ts): libuv writes a whole list in a loop and
 * reports the total as a 32-bit int, which a longer list would wrap.
 *
 * With the addon (`native`, native-beneath.ts) a single buffer is one call
 * into it instead of fs.readSync/writeSync: Node's validate their arguments in
 * JavaScript and make a context object per call, about 1,300 instructions a
 * call above the system call (bench/RESULTS.md). Failures are thrown as the
 * same errors either way.
 */
import { readSync, readvSync, writeSync, writevSync } from "node:fs";
import { maxBytesPerCall } from "../limits.js";
import { nativeSystemError, undecided, type NativeBeneath } from "./native-beneath.js";

/** Offsets are off_t: at most 2^63 - 1. */
export const maxFileOffset = (1n << 63n) - 1n;
/** Offsets we can pass to Node as numbers. */
export const maxSafeOffset = BigInt(Number.MAX_SAFE_INTEGER);

export function readBuffers(fd: number, buffers: readonly Uint8Array[], position: number | null, native: NativeBeneath | null): number {
  if (buffers.length === 1) {
    const buffer = buffers[0];
    const length = Math.min(buffer.length, maxBytesPerCall);
    if (native !== null) {
      const count = native.read(fd, buffer, 0, length, position ?? -1);
      if (count >= 0) return count;
      if (count !== undecided) throw nativeSystemError(count, "read");
    }
    return readSync(fd, buffer, 0, length, position);
  }
  return readvSync(fd, buffers, position ?? undefined);
}

export function writeBuffers(fd: number, buffers: readonly Uint8Array[], position: number | null, native: NativeBeneath | null): number {
  if (buffers.length === 1) {
    const buffer = buffers[0];
    const length = Math.min(buffer.length, maxBytesPerCall);
    if (native !== null) {
      const count = native.write(fd, buffer, 0, length, position ?? -1);
      if (count >= 0) return count;
      if (count !== undecided) throw nativeSystemError(count, "write");
    }
    return writeSync(fd, buffer, 0, length, position);
  }
  return writevSync(fd, buffers, position ?? undefined);
}

export function totalLength(buffers: readonly Uint8Array[]): number {
  let total = 0;
  for (let i = 0; i < buffers.length; i++) total += buffers[i].length;
  return total;
}

/** The buffers left after the first `count` bytes were transferred (for resuming a short write). */
export function withoutFirstBytes(buffers: readonly Uint8Array[], count: number): Uint8Array[] {
  let index = 0;
  let skip = count;
  while (index < buffers.length && skip >= buffers[index].length) {
    skip -= buffers[index].length;
    index++;
  }
  const rest = buffers.slice(index);
  if (rest.length > 0 && skip > 0) rest[0] = rest[0].subarray(skip);
  return rest;
}
