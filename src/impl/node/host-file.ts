/**
 * A host fd opened by path_open on anything but a directory: a regular file
 * (or block device), or a stream (a FIFO, a character device).
 *
 * Position. Node's fs has no lseek, so for seekable files the position is
 * ours: every read and write is a pread/pwrite at `position`, which we
 * advance. Append mode is ours too (the host fd never has O_APPEND): an append
 * write goes to the size fstat reports. That keeps fd_pwrite at its offset
 * (Linux ignores the offset of pwrite on an O_APPEND fd), lets
 * fd_fdstat_set_flags switch append on and off, and keeps fd_tell exact. The
 * cost is that an append is two system calls and is not atomic against other
 * processes appending to the same file. Streams use the OS offset and block
 * like native blocking I/O (stream-io.ts).
 *
 * Kind. Opening a file should cost the open and nothing else, so the kind may
 * be left unknown at open (`kind === null`). It is found out when something
 * needs it: an fstat the operation makes anyway (stat, append, seek from the
 * end), or the first positional read or write failing with ESPIPE (a stream),
 * or an explicit question (filetype, seek, tell, advice, readiness). A
 * description that turns out to be a directory is replaced by a directory
 * description over the same fd when the fd table settles it (`settle`).
 */
import { closeSync, fstatSync, ftruncateSync, type BigIntStats, type Stats } from "node:fs";
import type { Out } from "../../runtime/out.js";
import {
  errno,
  eventtype,
  fdflags,
  filetype,
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
import { BaseDescription, type FileDescription } from "../description.js";
import type { NodeFsEnvironment } from "./environment.js";
import { datasyncHostFd, setHostFdTimes, syncHostFd } from "./fd-operations.js";
import { codeOf, errnoOf } from "./errno-of.js";
import { maxFileOffset, maxSafeOffset, readBuffers, writeBuffers } from "./io.js";
import { nativeErrno, type NativeBeneath } from "./native-beneath.js";
import { fillFilestat, filetypeOf } from "./stats.js";
import { readWaiting, writeWaiting } from "./stream-io.js";

/** Turns the fd of a file that turned out to be a directory into a directory description. */
export type DirectoryAdopter = (fd: number, stats: BigIntStats) => FileDescription;

function isSeekable(type: Filetype): boolean {
  return type === filetype.regular_file || type === filetype.block_device;
}

export class HostFile extends BaseDescription {
  private position = 0;
  /** Null until known. */
  private kind: Filetype | null;
  /** False once the fd belongs to another description (after `settle` adopted a directory). */
  private ownsFd = true;
  /** The addon for reads, writes and close (io.ts), or null for node:fs. */
  private readonly native: NativeBeneath | null;

  constructor(
    /** The host fd; owned: closed with the description. */
    readonly fd: number,
    kind: Filetype | null,
    private readonly environment: NodeFsEnvironment,
    /** For a description of unknown kind: who takes the fd over if it is a directory. */
    private readonly adoptDirectory: DirectoryAdopter | null = null,
  ) {
    super();
    this.kind = kind;
    this.native = environment.nativeIo;
  }

  override get kindKnown(): boolean {
    return this.kind !== null;
  }

  get filetype(): Filetype {
    return this.kind ?? this.identify();
  }

  /** Finds the kind out with fstat; on failure (not expected on an open fd) it stays unknown to WASI. */
  private identify(): Filetype {
    try {
      return this.learn(fstatSync(this.fd));
    } catch {
      this.kind = filetype.unknown;
      return this.kind;
    }
  }

  private learn(stats: Stats | BigIntStats): Filetype {
    this.kind ??= filetypeOf(stats);
    return this.kind;
  }

  override settle(): FileDescription {
    if (this.filetype !== filetype.directory || this.adoptDirectory === null) return this;
    let stats: BigIntStats;
    try {
      stats = fstatSync(this.fd, { bigint: true });
    } catch {
      return this;
    }
    this.ownsFd = false;
    return this.adoptDirectory(this.fd, stats);
  }

  /**
   * For the native fd_read (src/impl/node/native-read-lender.ts): the position its
   * reads start from when a read of this description is a plain pread at our
   * position (not a stream, and the fd still ours), else null.
   */
  lendReads(): number | null {
    return !this.isStream && this.ownsFd ? this.position : null;
  }

  /** The position the native reads left, when the loan ends. */
  takeReadsBack(position: number): void {
    this.position = position;
  }

  /** Streams: known, or found out by a positional call failing with ESPIPE. */
  private get isStream(): boolean {
    return this.kind !== null && !isSeekable(this.kind);
  }

  // read and write keep their common case (a file read or written at our position) in a
  // few lines and the rest in methods of their own, so that the optimizing compiler inlines
  // them into the glue: in a 4 KiB read loop that saved about a tenth of the instructions.
  override read(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    if (this.isStream) return this.readStream(buffers, flags, result);
    try {
      const count = readBuffers(this.fd, buffers, this.position, this.native);
      this.position += count;
      result.value = count;
      return errno.success;
    } catch (error) {
      if (this.positionalFailed(error)) return this.readStream(buffers, flags, result);
      return this.readFailed(error);
    }
  }

  /**
   * A directory opened without O_DIRECTORY is found out by its first read (EISDIR): that
   * read answers as every later one will, once the kind settles and the descriptor has a
   * directory's rights, which do not include reading (notcapable; EBADF in wasi-libc).
   */
  private readFailed(error: unknown): Errno {
    return this.kind === null && codeOf(error) === "EISDIR" ? errno.notcapable : errnoOf(error);
  }

  private readStream(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    try {
      result.value = readWaiting(this.fd, buffers, flags, this.native);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override write(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    if (this.isStream) return this.writeStream(buffers, flags, result);
    if ((flags & fdflags.append) !== 0) return this.append(buffers, flags, result);
    try {
      const count = writeBuffers(this.fd, buffers, this.position, this.native);
      this.position += count;
      result.value = count;
      return errno.success;
    } catch (error) {
      return this.positionalFailed(error) ? this.writeStream(buffers, flags, result) : errnoOf(error);
    }
  }

  /** An append goes to the size fstat reports (see the top of the file). */
  private append(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    try {
      const stats = fstatSync(this.fd);
      this.learn(stats);
      if (this.isStream) return this.writeStream(buffers, flags, result);
      const count = writeBuffers(this.fd, buffers, stats.size, this.native);
      this.position = stats.size + count;
      result.value = count;
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  private writeStream(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    try {
      result.value = writeWaiting(this.fd, buffers, flags, this.native);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  /**
   * Whether a positional read or write failed only because the fd of unknown kind is a
   * stream (ESPIPE); the kind is then learnt, and the caller retries at the OS offset.
   */
  private positionalFailed(error: unknown): boolean {
    if (this.kind !== null || codeOf(error) !== "ESPIPE") return false;
    this.identify();
    return true;
  }

  override pread(buffers: readonly Uint8Array[], offset: bigint, result: Out<number>): Errno {
    if (this.isStream) return errno.spipe;
    if (offset > maxFileOffset) return errno.inval;
    if (offset > maxSafeOffset) {
      // Past the end of any file a host can hold: end of file.
      result.value = 0;
      return errno.success;
    }
    try {
      result.value = readBuffers(this.fd, buffers, Number(offset), this.native);
      return errno.success;
    } catch (error) {
      return this.readFailed(error);
    }
  }

  override pwrite(buffers: readonly Uint8Array[], offset: bigint, result: Out<number>): Errno {
    if (this.isStream) return errno.spipe;
    if (offset > maxFileOffset) return errno.inval;
    if (offset > maxSafeOffset) return errno.fbig;
    try {
      result.value = writeBuffers(this.fd, buffers, Number(offset), this.native);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override seek(offset: bigint, anchor: Whence, result: Out<bigint | number>): Errno {
    if (!isSeekable(this.filetype)) return errno.spipe;
    let base: number;
    switch (anchor) {
      case whence.set:
        base = 0;
        break;
      case whence.cur:
        if (offset === 0n) {
          result.value = this.position;
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
    result.value = this.position;
    return errno.success;
  }

  override tell(result: Out<bigint | number>): Errno {
    if (!isSeekable(this.filetype)) return errno.spipe;
    result.value = this.position;
    return errno.success;
  }

  override stat(into: Filestat): Errno {
    try {
      const stats = fstatSync(this.fd, { bigint: true });
      this.learn(stats);
      fillFilestat(into, stats);
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
      const stats = fstatSync(this.fd);
      if (!isSeekable(this.learn(stats))) return errno.spipe;
      if (stats.size < Number(end)) ftruncateSync(this.fd, Number(end));
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override setTimes(atim: bigint, mtim: bigint, flags: Fstflags): Errno {
    return setHostFdTimes(this.fd, atim, mtim, flags, this.environment.realtimeNow);
  }

  override sync(): Errno {
    return syncHostFd(this.fd);
  }

  override datasync(): Errno {
    return datasyncHostFd(this.fd);
  }

  /** Only a hint, and Node has no posix_fadvise: checked, then ignored. */
  override advise(offset: bigint, length: bigint, _advice: Advice): Errno {
    if (!isSeekable(this.filetype)) return errno.spipe;
    if (offset > maxFileOffset || length > maxFileOffset) return errno.inval;
    return errno.success;
  }

  /**
   * A regular file is always ready; for reading, with the bytes left after the
   * position. A stream is reported ready too (see poll-methods.ts).
   */
  override readiness(kind: Eventtype, nbytes: Out<bigint>): Errno {
    nbytes.value = 0n;
    if (kind !== eventtype.fd_read || !isSeekable(this.filetype)) return errno.success;
    try {
      const left = fstatSync(this.fd).size - this.position;
      if (left > 0) nbytes.value = BigInt(left);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override close(): Errno {
    if (!this.ownsFd) return errno.success;
    const native = this.native;
    if (native !== null) {
      const status = native.close(this.fd);
      return status < 0 ? nativeErrno(status) : errno.success;
    }
    try {
      closeSync(this.fd);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }
}
