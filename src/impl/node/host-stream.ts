/**
 * A host fd without a position of ours: the stdio fds (whatever they are:
 * terminal, pipe, socket, or a file redirected by the shell, whose offset we
 * share with whoever gave it to us) and pipes or character devices opened by
 * path_open. Reads and writes use the OS offset.
 *
 * Blocking. A native program's read on stdin blocks until data arrives; Node
 * may have made the host fd non-blocking (it does so for terminals and pipes
 * it uses itself), so EAGAIN is answered by waiting — Atomics.wait with a
 * growing timeout, no spinning — and retrying, unless the guest asked for
 * non-blocking I/O itself (fdflags.nonblock), which gets `again` as usual.
 * Writes likewise complete fully, as a blocking write does.
 *
 * Sockets. A socket reaches us only as a stdio fd (Node passes socketpairs to
 * child processes). sock_recv and sock_send without flags are read and write;
 * Node's fs offers no recv(2) flags, shutdown(2) or accept(2), so those answer
 * `notsup`.
 */
import { closeSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, futimesSync } from "node:fs";
import type { Out } from "../../runtime/out.js";
import {
  errno,
  fdflags,
  filetype,
  type Errno,
  type Fdflags,
  type Filestat,
  type Filetype,
  type Fstflags,
  type Riflags,
  type Roflags,
  type Sdflags,
} from "../../generated/preview1/types.js";
import { BaseDescription, type FileDescription } from "../description.js";
import type { NodeFsEnvironment } from "./environment.js";
import { codeOf, errnoOf } from "./errno-of.js";
import { maxFileOffset, maxSafeOffset, readBuffers, totalLength, withoutFirstBytes, writeBuffers } from "./io.js";
import { sleepMilliseconds } from "./sleep.js";
import { fillFilestat } from "./stats.js";
import { timesToSet } from "./times.js";

/** Waits before retry `attempt` of an operation that found the host fd not ready: 1, 2, 4, 8, then 16 ms. */
function backOff(attempt: number): void {
  sleepMilliseconds(attempt < 4 ? 1 << attempt : 16);
}

export class HostStream extends BaseDescription {
  private readonly recvResult: [number, Roflags] = [0, 0];

  constructor(
    readonly fd: number,
    readonly filetype: Filetype,
    /** False for the stdio fds, which belong to the embedding process. */
    private readonly ownsFd: boolean,
    private readonly environment: NodeFsEnvironment,
  ) {
    super();
  }

  private get isSocket(): boolean {
    return this.filetype === filetype.socket_stream || this.filetype === filetype.socket_dgram;
  }

  private get isRegularFile(): boolean {
    return this.filetype === filetype.regular_file;
  }

  override read(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    for (let attempt = 0; ; attempt++) {
      try {
        result.value = readBuffers(this.fd, buffers, null);
        return errno.success;
      } catch (error) {
        if (codeOf(error) !== "EAGAIN" || (flags & fdflags.nonblock) !== 0) return errnoOf(error);
      }
      backOff(attempt);
    }
  }

  override write(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    const total = totalLength(buffers);
    let pending = buffers;
    let written = 0;
    for (let attempt = 0; ; ) {
      try {
        written += writeBuffers(this.fd, pending, null);
        if (written >= total || (flags & fdflags.nonblock) !== 0) {
          result.value = written;
          return errno.success;
        }
        pending = withoutFirstBytes(buffers, written);
        attempt = 0;
        continue;
      } catch (error) {
        if (codeOf(error) !== "EAGAIN" || (flags & fdflags.nonblock) !== 0) {
          if (written === 0) return errnoOf(error);
          result.value = written;
          return errno.success;
        }
      }
      backOff(attempt++);
    }
  }

  override pread(buffers: readonly Uint8Array[], offset: bigint, result: Out<number>): Errno {
    if (!this.isRegularFile) return errno.spipe;
    if (offset > maxFileOffset) return errno.inval;
    if (offset > maxSafeOffset) {
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

  override pwrite(buffers: readonly Uint8Array[], offset: bigint, result: Out<number>): Errno {
    if (!this.isRegularFile) return errno.spipe;
    if (offset > maxFileOffset) return errno.inval;
    if (offset > maxSafeOffset) return errno.fbig;
    try {
      result.value = writeBuffers(this.fd, buffers, Number(offset));
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
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
    if (!this.isRegularFile) return errno.inval;
    if (size > maxFileOffset) return errno.inval;
    if (size > maxSafeOffset) return errno.fbig;
    try {
      ftruncateSync(this.fd, Number(size));
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

  override recv(buffers: readonly Uint8Array[], flags: Riflags, fdflagsOfFd: Fdflags, result: Out<[number, Roflags]>): Errno {
    if (!this.isSocket) return errno.notsock;
    if (flags !== 0) return errno.notsup;
    const count: Out<number> = { value: 0 };
    const error = this.read(buffers, fdflagsOfFd, count);
    if (error !== errno.success) return error;
    this.recvResult[0] = count.value;
    result.value = this.recvResult;
    return errno.success;
  }

  override send(buffers: readonly Uint8Array[], fdflagsOfFd: Fdflags, result: Out<number>): Errno {
    if (!this.isSocket) return errno.notsock;
    return this.write(buffers, fdflagsOfFd, result);
  }

  override shutdown(_how: Sdflags): Errno {
    return this.isSocket ? errno.notsup : errno.notsock;
  }

  override accept(_fdflags: Fdflags, _result: Out<FileDescription>): Errno {
    return this.isSocket ? errno.notsup : errno.notsock;
  }

  override close(): Errno {
    if (!this.ownsFd) return errno.success;
    try {
      closeSync(this.fd);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }
}
