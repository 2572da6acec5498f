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
import { sleepMilliseconds } from "./sleep.js";

/** Waits before retry `attempt` of an operation that found the host fd not ready: 1, 2, 4, 8, then 16 ms. */
function backOff(attempt: number): void {
  sleepMilliseconds(attempt < 4 ? 1 << attempt : 16);
}

export function readWaiting(fd: number, buffers: readonly Uint8Array[], flags: Fdflags): number {
  for (let attempt = 0; ; attempt++) {
    try {
      return readBuffers(fd, buffers, null);
    } catch (error) {
      if (codeOf(error) !== "EAGAIN" || (flags & fdflags.nonblock) !== 0) throw error;
    }
    backOff(attempt);
  }
}

/** Returns the bytes written; throws only when nothing could be written. */
export function writeWaiting(fd: number, buffers: readonly Uint8Array[], flags: Fdflags): number {
  const total = totalLength(buffers);
  let pending = buffers;
  let written = 0;
  for (let attempt = 0; ; ) {
    try {
      const count = writeBuffers(fd, pending, null);
      written += count;
      // A write that moved nothing would be retried forever: report the short count instead.
      if (written >= total || count <= 0 || (flags & fdflags.nonblock) !== 0) return written;
      pending = withoutFirstBytes(buffers, written);
      attempt = 0;
      continue;
    } catch (error) {
      if (codeOf(error) !== "EAGAIN" || (flags & fdflags.nonblock) !== 0) {
        if (written === 0) throw error;
        return written;
      }
    }
    backOff(attempt++);
  }
}
