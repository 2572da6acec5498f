/**
 * Stdout/stderr delivered to JavaScript: every fd_write hands one copy of the
 * bytes written (its iovecs joined) to a callback. The copy is the receiver's
 * to keep; guest memory views would change under it. One write takes at most
 * `maxSinkWrite` bytes and reports a short count beyond, which the guest's
 * libc continues from: a guest naming one buffer in many iovecs cannot make
 * the sink copy (or a capture keep) more per call than that. On top of it:
 * `captureOutput()`, which collects everything in memory, and Node-style
 * writable streams, fed through their `write` method.
 */
import type { Out } from "../../runtime/out.js";
import type { Errno, Eventtype, Fdflags, Filestat } from "../../generated/preview1/types.js";
import * as filetype from "../../generated/preview1/filetype.js";
import * as errno from "../../generated/preview1/errno.js";
import { BaseDescription } from "../description.js";
import { fillStreamFilestat } from "./stream-filestat.js";

/** Receives each write's bytes, already copied out of guest memory. */
export type OutputCallback = (bytes: Uint8Array) => void;

/** The most bytes one write delivers: 1 MiB, far above a libc's stdio buffer, so ordinary writes arrive whole. */
export const maxSinkWrite = 1 << 20;

export class OutputSinkDescription extends BaseDescription {
  readonly filetype = filetype.unknown;

  constructor(private readonly deliver: OutputCallback) {
    super();
  }

  override write(buffers: readonly Uint8Array[], _flags: Fdflags, result: Out<number>): Errno {
    let total = 0;
    for (let i = 0; i < buffers.length && total < maxSinkWrite; i++) total += buffers[i].length;
    if (total > maxSinkWrite) total = maxSinkWrite;
    const copy = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < buffers.length && at < total; i++) {
      const buffer = buffers[i];
      const part = buffer.length <= total - at ? buffer : buffer.subarray(0, total - at);
      copy.set(part, at);
      at += part.length;
    }
    // An empty write still happened, but there is nothing to tell anyone.
    if (total > 0) this.deliver(copy);
    result.value = total;
    return errno.success;
  }

  /** A pipe-like object: no device, inode, size or times. */
  override stat(into: Filestat): Errno {
    fillStreamFilestat(into, this.filetype, 0n);
    return errno.success;
  }

  /** Always ready: delivering never blocks. */
  override readiness(_kind: Eventtype, nbytes: Out<bigint>): Errno {
    nbytes.value = 0n;
    return errno.success;
  }
}

/** Everything a guest wrote to one stream, kept in memory. Pass it as `stdio.stdout` or `stdio.stderr`. */
export class OutputCapture {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  /** The callback behind the capture; usable anywhere an OutputCallback is. */
  readonly write: OutputCallback = (bytes) => {
    this.chunks.push(bytes);
    this.length += bytes.length;
  };

  /** All bytes written so far, in one array. */
  bytes(): Uint8Array {
    const all = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return all;
  }

  /** All bytes written so far, decoded as UTF-8 (malformed sequences become U+FFFD). */
  text(): string {
    return new TextDecoder().decode(this.bytes());
  }

  /** Forgets what was captured. */
  clear(): void {
    this.chunks.length = 0;
    this.length = 0;
  }
}

export function captureOutput(): OutputCapture {
  return new OutputCapture();
}
