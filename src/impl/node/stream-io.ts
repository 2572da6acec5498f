/**
 * Reads and writes at the OS offset that behave like blocking I/O even when
 * the host fd is non-blocking (Node makes the pipes and terminals it uses
 * non-blocking): EAGAIN is answered by waiting — Atomics.wait with a growing
 * timeout, no spinning — and trying again, unless the guest asked for
 * non-blocking I/O itself (fdflags.nonblock), which gets `again` as usual.
 * A blocking write completes fully, so a short write is continued too.
 * These throw Node errors; callers map them.
 */
import { fdflags, type Fdflags } from "../../generated/preview1/types.js";
import { codeOf } from "./errno-of.js";
import { readBuffers, totalLength, withoutFirstBytes, writeBuffers } from "./io.js";
import type { NativeBeneath } from "./native-beneath.js";
import { sleepMilliseconds } from "./sleep.js";

/** Waits before retry `attempt` of an operation that found the host fd not ready: 1, 2, 4, 8, then 16 ms. */
function backOff(attempt: number): void {
  sleepMilliseconds(attempt < 4 ? 1 << attempt : 16);
}

export function readWaiting(fd: number, buffers: readonly Uint8Array[], flags: Fdflags, native: NativeBeneath | null): number {
  for (let attempt = 0; ; attempt++) {
    try {
      return readBuffers(fd, buffers, null, native);
    } catch (error) {
      if (codeOf(error) !== "EAGAIN" || (flags & fdflags.nonblock) !== 0) throw error;
    }
    backOff(attempt);
  }
}

/**
 * Returns the bytes written; throws only when nothing could be written. The
 * first attempt is all a write to a ready stream needs, and is kept small so
 * that the optimizing compiler inlines it into the glue; waiting and short
 * writes continue out of line.
 */
export function writeWaiting(fd: number, buffers: readonly Uint8Array[], flags: Fdflags, native: NativeBeneath | null): number {
  let count: number;
  try {
    count = writeBuffers(fd, buffers, null, native);
  } catch (error) {
    if (codeOf(error) !== "EAGAIN" || (flags & fdflags.nonblock) !== 0) throw error;
    backOff(0);
    return writeRetrying(fd, buffers, native, 0, 1);
  }
  // A write that moved nothing would be retried forever: report the short count instead.
  if (count <= 0 || (flags & fdflags.nonblock) !== 0) return count;
  return count >= totalLength(buffers) ? count : writeRetrying(fd, buffers, native, count, 0);
}

/** A blocking write that goes on after `written` bytes, waiting while the fd is not ready (`attempt`: the waits so far). */
function writeRetrying(fd: number, buffers: readonly Uint8Array[], native: NativeBeneath | null, written: number, attempt: number): number {
  const total = totalLength(buffers);
  let done = written;
  let waits = attempt;
  for (;;) {
    try {
      const count = writeBuffers(fd, done === 0 ? buffers : withoutFirstBytes(buffers, done), null, native);
      done += count;
      if (done >= total || count <= 0) return done;
      waits = 0;
      continue;
    } catch (error) {
      if (codeOf(error) !== "EAGAIN") {
        if (done === 0) throw error;
        return done;
      }
    }
    backOff(waits++);
  }
}
