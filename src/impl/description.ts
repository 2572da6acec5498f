/**
 * What a WASI descriptor points at. The fd table holds the WASI state of a
 * descriptor (rights, fdflags, preopen name); everything that touches the
 * object behind it goes through this interface, so a host file, a host
 * directory, a stdio stream and (later) a virtual file or an in-memory
 * directory are interchangeable behind any fd.
 *
 * Methods return an errno (0 for success) and put values in `result`, like the
 * generated host interface; they never throw for failures a guest can cause.
 * `BaseDescription` answers every operation with the errno POSIX gives for
 * an object that does not support it, so an implementation overrides only what
 * it can do.
 */
import type { Out } from "../runtime/out.js";
import type {
  Advice,
  Errno,
  Eventtype,
  Fdflags,
  Filestat,
  Filetype,
  Fstflags,
  Lookupflags,
  Oflags,
  Riflags,
  Roflags,
  Sdflags,
  Whence,
} from "../generated/preview1/types.js";
import * as filetype from "../generated/preview1/filetype.js";
import * as errno from "../generated/preview1/errno.js";

export interface FileDescription {
  /** Exact once `kindKnown`; before that, reading it finds the kind out (a system call). */
  readonly filetype: Filetype;
  /**
   * False for a description opened without learning what it is (to save a
   * system call on open); the fd table settles it before anything that
   * depends on the kind.
   */
  readonly kindKnown: boolean;
  /**
   * The description to keep once the kind is known: itself, or another one
   * over the same resource (a file opened without `oflags.directory` that is a
   * directory becomes a directory description, which takes over the host fd).
   */
  settle(): FileDescription;
  /** The path operations, when this description is a directory; null otherwise. */
  readonly directory: Directory | null;

  /** Reads at the current position into `buffers` (at least one), advancing it. `flags` are the descriptor's fdflags. */
  read(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno;
  /** Reads at `offset` without moving the position. */
  pread(buffers: readonly Uint8Array[], offset: bigint, result: Out<number>): Errno;
  /** Writes at the current position, or at the end when `flags` has `append`. */
  write(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno;
  /** Writes at `offset` without moving the position. */
  pwrite(buffers: readonly Uint8Array[], offset: bigint, result: Out<number>): Errno;
  /** Moves the position; `result` is the new one, as a bigint or a number (src/runtime/out.ts). */
  seek(offset: bigint, whence: Whence, result: Out<bigint | number>): Errno;
  tell(result: Out<bigint | number>): Errno;
  /** Fills `into` with the object's attributes. */
  stat(into: Filestat): Errno;
  setSize(size: bigint): Errno;
  allocate(offset: bigint, length: bigint): Errno;
  /** `flags` has already been checked: never both a time and its `_now` variant. */
  setTimes(atim: bigint, mtim: bigint, flags: Fstflags): Errno;
  sync(): Errno;
  datasync(): Errno;
  advise(offset: bigint, length: bigint, advice: Advice): Errno;
  /** Serializes directory entries from `cookie` on into `buffer`; `result` is the bytes used. */
  readdir(buffer: Uint8Array, cookie: bigint, result: Out<number>): Errno;
  /**
   * For poll_oneoff: the errno an `fd_read`/`fd_write` event reports right now,
   * with the bytes available in `nbytes` (0 when unknown).
   */
  readiness(kind: Eventtype, nbytes: Out<bigint>): Errno;
  /**
   * For streams whose data arrives while the guest runs (the worker runner's
   * stdin): null when `readiness` holds now, or a promise settled when it may
   * change. Descriptions that are always ready leave it out.
   */
  whenReady?(kind: Eventtype): Promise<void> | null;
  /** True on a stream at end of file: poll_oneoff sets the hangup flag on its read event. */
  hangup?(): boolean;
  recv(buffers: readonly Uint8Array[], flags: Riflags, fdflags: Fdflags, result: Out<[number, Roflags]>): Errno;
  send(buffers: readonly Uint8Array[], fdflags: Fdflags, result: Out<number>): Errno;
  shutdown(how: Sdflags): Errno;
  accept(fdflags: Fdflags, result: Out<FileDescription>): Errno;
  /** Releases what the description holds. Called once, when its last fd goes away. */
  close(): Errno;
}

/** How path_open wants the object opened; `read`/`write` are derived from the granted rights. */
export interface OpenRequest {
  readonly followSymlinks: boolean;
  readonly oflags: Oflags;
  readonly fdflags: Fdflags;
  readonly read: boolean;
  readonly write: boolean;
}

/**
 * The path operations of a directory descriptor. Every path is relative to
 * the directory and confined to it. Operations on two directories (rename,
 * link) receive the other one and answer `xdev` when they cannot span both.
 */
export interface Directory {
  open(path: string, request: OpenRequest, result: Out<FileDescription>): Errno;
  createDirectory(path: string): Errno;
  removeDirectory(path: string): Errno;
  unlinkFile(path: string): Errno;
  rename(oldPath: string, newDirectory: Directory, newPath: string): Errno;
  link(oldPath: string, lookup: Lookupflags, newDirectory: Directory, newPath: string): Errno;
  /** Creates `path` as a symbolic link holding `target` verbatim. */
  symlink(target: string, path: string): Errno;
  /** Copies as much of the link's target as fits into `buffer`; `result` is the bytes copied. */
  readlink(path: string, buffer: Uint8Array, result: Out<number>): Errno;
  statPath(path: string, lookup: Lookupflags, into: Filestat): Errno;
  setPathTimes(path: string, lookup: Lookupflags, atim: bigint, mtim: bigint, flags: Fstflags): Errno;
}

/** A Filestat to fill and reuse: the calls that return one hand it to the glue, which copies it out at once. */
export function blankFilestat(): Filestat {
  return { dev: 0n, ino: 0n, filetype: filetype.unknown, nlink: 0n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
}

/** Every operation refused with the errno POSIX gives for an object that cannot do it. */
export abstract class BaseDescription implements FileDescription {
  abstract readonly filetype: Filetype;
  readonly directory: Directory | null = null;

  get kindKnown(): boolean {
    return true;
  }

  settle(): FileDescription {
    return this;
  }

  abstract stat(into: Filestat): Errno;

  /** read(2) on a directory is EISDIR; on anything else not open for it, EBADF. */
  protected get noDataIo(): Errno {
    return this.filetype === filetype.directory ? errno.isdir : errno.badf;
  }

  read(_buffers: readonly Uint8Array[], _flags: Fdflags, _result: Out<number>): Errno {
    return this.noDataIo;
  }
  pread(_buffers: readonly Uint8Array[], _offset: bigint, _result: Out<number>): Errno {
    return this.filetype === filetype.directory ? errno.isdir : errno.spipe;
  }
  write(_buffers: readonly Uint8Array[], _flags: Fdflags, _result: Out<number>): Errno {
    return this.noDataIo;
  }
  pwrite(_buffers: readonly Uint8Array[], _offset: bigint, _result: Out<number>): Errno {
    return this.filetype === filetype.directory ? errno.isdir : errno.spipe;
  }
  seek(_offset: bigint, _whence: Whence, _result: Out<bigint | number>): Errno {
    return errno.spipe;
  }
  tell(_result: Out<bigint | number>): Errno {
    return errno.spipe;
  }
  setSize(_size: bigint): Errno {
    return this.filetype === filetype.directory ? errno.isdir : errno.inval;
  }
  allocate(_offset: bigint, _length: bigint): Errno {
    return this.filetype === filetype.directory ? errno.isdir : errno.nodev;
  }
  setTimes(_atim: bigint, _mtim: bigint, _flags: Fstflags): Errno {
    return errno.notsup;
  }
  sync(): Errno {
    return errno.inval;
  }
  datasync(): Errno {
    return errno.inval;
  }
  advise(_offset: bigint, _length: bigint, _advice: Advice): Errno {
    return errno.spipe;
  }
  readdir(_buffer: Uint8Array, _cookie: bigint, _result: Out<number>): Errno {
    return errno.notdir;
  }
  readiness(_kind: Eventtype, nbytes: Out<bigint>): Errno {
    nbytes.value = 0n;
    return errno.success;
  }
  recv(_buffers: readonly Uint8Array[], _flags: Riflags, _fdflags: Fdflags, _result: Out<[number, Roflags]>): Errno {
    return errno.notsock;
  }
  send(_buffers: readonly Uint8Array[], _fdflags: Fdflags, _result: Out<number>): Errno {
    return errno.notsock;
  }
  shutdown(_how: Sdflags): Errno {
    return errno.notsock;
  }
  accept(_fdflags: Fdflags, _result: Out<FileDescription>): Errno {
    return errno.notsock;
  }
  close(): Errno {
    return errno.success;
  }
}
