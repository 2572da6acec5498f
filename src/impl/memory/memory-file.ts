/**
 * A description of a regular file in a memory tree: its own position, and
 * whether it was opened for reading and writing (the fd table's rights
 * already refuse what the guest may not do; these are the POSIX answers
 * behind them). Behaves like HostFile on a regular file: append writes go to
 * the end, fd_pwrite ignores append, a seek past the end and a write there
 * leave zeros, offsets are checked against off_t's limit (`inval`) and ours
 * (`fbig`). Reads do not update atim (as with `noatime`): times change only
 * when the file does, or when the guest sets them.
 */
import type { Out } from "../../runtime/out.js";
import type { Advice, Errno, Eventtype, Fdflags, Filestat, Fstflags, Whence } from "../../generated/preview1/types.js";
import * as eventtype from "../../generated/preview1/eventtype.js";
import * as fdflags from "../../generated/preview1/fdflags.js";
import * as filetype from "../../generated/preview1/filetype.js";
import * as whence from "../../generated/preview1/whence.js";
import * as errno from "../../generated/preview1/errno.js";
import { BaseDescription } from "../description.js";
import { applyTimes, type MemoryEnvironment } from "./environment.js";
import type { FileNode } from "./nodes.js";

/** off_t's limit. */
const maxFileOffset = (1n << 63n) - 1n;
/** A file in memory is one Uint8Array: at most 2^31 - 1 bytes here, whatever the budget. */
const maxMemoryFileSize = 0x7fffffff;

export class MemoryFile extends BaseDescription {
  readonly filetype = filetype.regular_file;
  private position = 0;
  private closed = false;

  constructor(
    readonly node: FileNode,
    private readonly readable: boolean,
    private readonly writable: boolean,
    private readonly environment: MemoryEnvironment,
  ) {
    super();
    node.openCount++;
  }

  private gather(buffers: readonly Uint8Array[], from: number): number {
    const data = this.node.data;
    let at = from;
    for (const buffer of buffers) {
      if (at >= data.length) break;
      const chunk = data.subarray(at, Math.min(data.length, at + buffer.length));
      buffer.set(chunk);
      at += chunk.length;
    }
    return at - from;
  }

  private scatter(buffers: readonly Uint8Array[], from: number, result: Out<number>): Errno {
    let total = 0;
    for (const buffer of buffers) total += buffer.length;
    // POSIX: a write past the size limit stores what fits, and fails only when nothing does.
    if (total > 0 && from >= maxMemoryFileSize) return errno.fbig;
    let at = from;
    for (const whole of buffers) {
      if (at >= maxMemoryFileSize) break;
      const buffer = whole.length <= maxMemoryFileSize - at ? whole : whole.subarray(0, maxMemoryFileSize - at);
      const error = this.node.writeAt(at, buffer);
      if (error !== errno.success) {
        // POSIX: a write that could store some bytes reports those.
        if (at === from) return error;
        break;
      }
      at += buffer.length;
    }
    if (at > from) this.touch();
    result.value = at - from;
    return errno.success;
  }

  private touch(): void {
    const now = this.environment.now();
    this.node.mtim = now;
    this.node.ctim = now;
  }

  override read(buffers: readonly Uint8Array[], _flags: Fdflags, result: Out<number>): Errno {
    if (!this.readable) return errno.badf;
    const count = this.gather(buffers, this.position);
    this.position += count;
    result.value = count;
    return errno.success;
  }

  override pread(buffers: readonly Uint8Array[], offset: bigint, result: Out<number>): Errno {
    if (!this.readable) return errno.badf;
    if (offset > maxFileOffset) return errno.inval;
    result.value = offset >= BigInt(this.node.byteLength) ? 0 : this.gather(buffers, Number(offset));
    return errno.success;
  }

  override write(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    if (!this.writable) return errno.badf;
    const at = (flags & fdflags.append) !== 0 ? this.node.byteLength : this.position;
    const error = this.scatter(buffers, at, result);
    if (error === errno.success) this.position = at + result.value;
    return error;
  }

  override pwrite(buffers: readonly Uint8Array[], offset: bigint, result: Out<number>): Errno {
    if (!this.writable) return errno.badf;
    if (offset > maxFileOffset) return errno.inval;
    if (offset > BigInt(maxMemoryFileSize)) return errno.fbig;
    return this.scatter(buffers, Number(offset), result);
  }

  override seek(offset: bigint, anchor: Whence, result: Out<bigint | number>): Errno {
    const base = anchor === whence.set ? 0 : anchor === whence.cur ? this.position : this.node.byteLength;
    const target = BigInt(base) + offset;
    if (target < 0n || target > BigInt(Number.MAX_SAFE_INTEGER)) return errno.inval;
    this.position = Number(target);
    result.value = this.position;
    return errno.success;
  }

  override tell(result: Out<bigint | number>): Errno {
    result.value = this.position;
    return errno.success;
  }

  override stat(into: Filestat): Errno {
    this.node.fillStat(into);
    return errno.success;
  }

  override setSize(size: bigint): Errno {
    if (!this.writable) return errno.inval;
    if (size > maxFileOffset) return errno.inval;
    if (size > BigInt(maxMemoryFileSize)) return errno.fbig;
    const error = this.node.resize(Number(size));
    if (error === errno.success) this.touch();
    return error;
  }

  /** posix_fallocate: grows the file to offset + length when shorter. */
  override allocate(offset: bigint, length: bigint): Errno {
    if (offset > maxFileOffset || length > maxFileOffset || length === 0n) return errno.inval;
    const end = offset + length;
    if (end > maxFileOffset || end > BigInt(maxMemoryFileSize)) return errno.fbig;
    if (!this.writable) return errno.badf;
    if (Number(end) <= this.node.byteLength) return errno.success;
    const error = this.node.resize(Number(end));
    if (error === errno.success) this.touch();
    return error;
  }

  override setTimes(atim: bigint, mtim: bigint, flags: Fstflags): Errno {
    if (this.node.tree.options.readOnly && flags !== 0) return errno.rofs;
    applyTimes(this.node, atim, mtim, flags, this.environment.now());
    return errno.success;
  }

  override sync(): Errno {
    return errno.success;
  }

  override datasync(): Errno {
    return errno.success;
  }

  /** Only a hint: checked, then ignored. */
  override advise(offset: bigint, length: bigint, _advice: Advice): Errno {
    return offset > maxFileOffset || length > maxFileOffset ? errno.inval : errno.success;
  }

  override readiness(kind: Eventtype, nbytes: Out<bigint>): Errno {
    const left = this.node.byteLength - this.position;
    nbytes.value = kind === eventtype.fd_read && left > 0 ? BigInt(left) : 0n;
    return errno.success;
  }

  override close(): Errno {
    if (this.closed) return errno.success;
    this.closed = true;
    this.node.openCount--;
    this.node.releaseIfUnused();
    return errno.success;
  }
}
