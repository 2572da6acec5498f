/**
 * Stdin served from memory: fixed bytes (a string or a Uint8Array given up
 * front) or a synchronous source callback asked for more whenever the bytes
 * in hand run out. It behaves like a pipe: reads take what is there, an empty
 * read is end of file, there is no position and no seeking.
 */
import type { Out } from "../../runtime/out.js";
import type { Errno, Eventtype, Fdflags, Filestat } from "../../generated/preview1/types.js";
import * as eventtype from "../../generated/preview1/eventtype.js";
import * as filetype from "../../generated/preview1/filetype.js";
import * as errno from "../../generated/preview1/errno.js";
import { BaseDescription } from "../description.js";
import { fillStreamFilestat } from "./stream-filestat.js";

/**
 * Called when the guest reads and nothing is buffered: returns the next chunk
 * (a string is UTF-8 encoded), or `null`, `undefined` or an empty chunk at end
 * of file. `maxBytes` is how much the guest asked for; returning more is fine,
 * the rest is kept for later reads. It must answer synchronously: a WASI call
 * cannot wait for a promise.
 */
export type StdinSource = (maxBytes: number) => Uint8Array | string | null | undefined;

const encoder = new TextEncoder();

export class InputSourceDescription extends BaseDescription {
  readonly filetype = filetype.unknown;
  private pending: Uint8Array;
  private ended: boolean;

  /** `source` is either everything stdin will ever hold or a callback producing it. */
  constructor(private readonly source: Uint8Array | string | StdinSource) {
    super();
    if (typeof source === "function") {
      this.pending = new Uint8Array(0);
      this.ended = false;
    } else {
      // A copy, so the embedder may reuse its buffer after constructing.
      this.pending = typeof source === "string" ? encoder.encode(source) : source.slice();
      this.ended = true;
    }
  }

  /** Refills from the callback when empty; false at end of file. */
  private fill(wanted: number): boolean {
    while (this.pending.length === 0) {
      if (this.ended) return false;
      const chunk = (this.source as StdinSource)(wanted);
      if (chunk === null || chunk === undefined || chunk.length === 0) {
        this.ended = true;
        return false;
      }
      this.pending = typeof chunk === "string" ? encoder.encode(chunk) : chunk.slice();
    }
    return true;
  }

  override read(buffers: readonly Uint8Array[], _flags: Fdflags, result: Out<number>): Errno {
    let wanted = 0;
    for (const buffer of buffers) wanted += buffer.length;
    let copied = 0;
    if (wanted > 0 && this.fill(wanted)) {
      for (const buffer of buffers) {
        const count = Math.min(buffer.length, this.pending.length);
        buffer.set(this.pending.subarray(0, count));
        this.pending = this.pending.subarray(count);
        copied += count;
        if (this.pending.length === 0) break;
      }
    }
    result.value = copied;
    return errno.success;
  }

  /** A pipe-like object: no device, inode or times; the size is what is buffered. */
  override stat(into: Filestat): Errno {
    fillStreamFilestat(into, this.filetype, BigInt(this.pending.length));
    return errno.success;
  }

  /** At end of file once everything is read, as a pipe whose writer closed: poll sets the hangup flag. */
  hangup(): boolean {
    return this.ended && this.pending.length === 0;
  }

  /** Always ready: reading never blocks (a callback source is asked only when read); nbytes is what is buffered. */
  override readiness(kind: Eventtype, nbytes: Out<bigint>): Errno {
    nbytes.value = kind === eventtype.fd_read ? BigInt(this.pending.length) : 0n;
    return errno.success;
  }
}
