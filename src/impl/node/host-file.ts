/**
 * A host fd on a regular file (or block device), opened by path_open.
 *
 * Node's fs has no lseek, so the position is ours: every read and write is a
 * pread/pwrite at `position`, which we advance. Append mode is ours too (the
 * host fd never has O_APPEND): an append write goes to the size fstat reports.
 * That keeps fd_pwrite at its offset (Linux ignores the offset of pwrite on an
 * O_APPEND fd), lets fd_fdstat_set_flags switch append on and off, and keeps
 * fd_tell exact. The cost is that an append is two system calls and is not
 * atomic against other processes appending to the same file.
 */
import { closeSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, futimesSync } from "node:fs";
import type { Out } from "../../runtime/out.js";
import {
  errno,
  eventtype,
  fdflags,
  whence,
  type Advice,
  type Errno,
  type Eventtype,
  type Fdflags,
  type Filestat,
  type Filetype,
  type Fstflags,
  type Whence,
} from "../../generated/preview1/types.js";
import { BaseDescription } from "../description.js";
import type { NodeFsEnvironment } from "./environment.js";
import { errnoOf } from "./errno-of.js";
import { maxFileOffset, maxSafeOffset, readBuffers, writeBuffers } from "./io.js";
import { fillFilestat } from "./stats.js";
import { timesToSet } from "./times.js";

export class HostFile extends BaseDescription {
  private position = 0;

  constructor(
    /** The host fd; owned: closed with the description. */
    readonly fd: number,
    readonly filetype: Filetype,
    private readonly environment: NodeFsEnvironment,
  ) {
    super();
  }

  override read(buffers: readonly Uint8Array[], _flags: Fdflags, result: Out<number>): Errno {
    try {
      const count = readBuffers(this.fd, buffers, this.position);
      this.position += count;
      result.value = count;
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override pread(buffers: readonly Uint8Array[], offset: bigint, result: Out<number>): Errno {
    if (offset > maxFileOffset) return errno.inval;
    if (offset > maxSafeOffset) {
      // Past the end of any file a host can hold: end of file.
      result.value = 0;
      return errno.success;
    }
    try {
      result.value = readBuffers(this.fd, buffers, Number(offset));
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override write(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    try {
      const at = (flags & fdflags.append) !== 0 ? fstatSync(this.fd).size : this.position;
      const count = writeBuffers(this.fd, buffers, at);
      this.position = at + count;
      result.value = count;
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override pwrite(buffers: readonly Uint8Array[], offset: bigint, result: Out<number>): Errno {
    if (offset > maxFileOffset) return errno.inval;
    if (offset > maxSafeOffset) return errno.fbig;
    try {
      result.value = writeBuffers(this.fd, buffers, Number(offset));
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override seek(offset: bigint, anchor: Whence, result: Out<bigint>): Errno {
    let base: number;
    switch (anchor) {
      case whence.set:
        base = 0;
        break;
      case whence.cur:
        if (offset === 0n) {
          result.value = BigInt(this.position);
          return errno.success;
        }
        base = this.position;
        break;
      default:
        try {
          base = fstatSync(this.fd).size;
        } catch (error) {
          return errnoOf(error);
        }
    }
    const target = BigInt(base) + offset;
    // Linux refuses offsets past the file system's limit with EINVAL; ours is 2^53 - 1.
    if (target < 0n || target > maxSafeOffset) return errno.inval;
    this.position = Number(target);
    result.value = target;
    return errno.success;
  }

  override tell(result: Out<bigint>): Errno {
    result.value = BigInt(this.position);
    return errno.success;
  }

  override stat(into: Filestat): Errno {
    try {
      fillFilestat(into, fstatSync(this.fd, { bigint: true }));
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override setSize(size: bigint): Errno {
    if (size > maxFileOffset) return errno.inval;
    if (size > maxSafeOffset) return errno.fbig;
    try {
      ftruncateSync(this.fd, Number(size));
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  /**
   * posix_fallocate semantics without fallocate (Node has none): the file is
   * extended to offset + length when shorter; a range inside it needs nothing,
   * since Node cannot reserve blocks for holes anyway.
   */
  override allocate(offset: bigint, length: bigint): Errno {
    if (offset > maxFileOffset || length > maxFileOffset || length === 0n) return errno.inval;
    const end = offset + length;
    if (end > maxFileOffset || end > maxSafeOffset) return errno.fbig;
    try {
      if (fstatSync(this.fd).size < Number(end)) ftruncateSync(this.fd, Number(end));
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override setTimes(atim: bigint, mtim: bigint, flags: Fstflags): Errno {
    if (flags === 0) return errno.success;
    try {
      const [atime, mtime] = timesToSet(
        atim,
        mtim,
        flags,
        () => fstatSync(this.fd, { bigint: true }),
        () => this.environment.realtimeNow(),
      );
      futimesSync(this.fd, atime, mtime);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override sync(): Errno {
    try {
      fsyncSync(this.fd);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override datasync(): Errno {
    try {
      fdatasyncSync(this.fd);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  /** Only a hint, and Node has no posix_fadvise: checked, then ignored. */
  override advise(offset: bigint, length: bigint, _advice: Advice): Errno {
    if (offset > maxFileOffset || length > maxFileOffset) return errno.inval;
    return errno.success;
  }

  /** A regular file is always ready; for reading, the bytes left after the position. */
  override readiness(kind: Eventtype, nbytes: Out<bigint>): Errno {
    if (kind !== eventtype.fd_read) {
      nbytes.value = 0n;
      return errno.success;
    }
    try {
      const left = fstatSync(this.fd).size - this.position;
      nbytes.value = left > 0 ? BigInt(left) : 0n;
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override close(): Errno {
    try {
      closeSync(this.fd);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }
}
