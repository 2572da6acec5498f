/**
 * A stdio fd (0, 1 or 2 as the embedder gave them), whatever it is: terminal,
 * pipe, socket, or a file redirected by the shell. Reads and writes use the OS
 * offset, which a redirected file shares with whoever gave it to us (so there
 * is no seeking: Node has no lseek). The host fd belongs to the embedder and is
 * never closed here; closing the guest's descriptor only drops it.
 *
 * Blocking. A native program's read on stdin blocks until data arrives, even
 * when Node has made the host fd non-blocking: see stream-io.ts.
 *
 * Sockets. A socket reaches us only as a stdio fd (Node passes socketpairs to
 * child processes). sock_recv and sock_send without flags are read and write;
 * Node's fs offers no recv(2) flags, shutdown(2) or accept(2), so those answer
 * `notsup`.
 */
import { ftruncateSync } from "node:fs";
import type { Out } from "../../runtime/out.js";
import {
  errno,
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
import { datasyncHostFd, setHostFdTimes, statHostFd, syncHostFd } from "./fd-operations.js";
import { errnoOf } from "./errno-of.js";
import { maxFileOffset, maxSafeOffset, readBuffers, writeBuffers } from "./io.js";
import type { NativeBeneath } from "./native-beneath.js";
import { readWaiting, writeWaiting } from "./stream-io.js";

export class StdioStream extends BaseDescription {
  private readonly recvResult: [number, Roflags] = [0, 0];
  /** The addon for reads and writes (io.ts), or null for node:fs; looked up at the first, not at start-up. */
  private native: NativeBeneath | null | undefined;

  constructor(
    readonly fd: number,
    readonly filetype: Filetype,
    private readonly environment: NodeFsEnvironment,
  ) {
    super();
  }

  private get nativeIo(): NativeBeneath | null {
    if (this.native === undefined) this.native = this.environment.nativeIo;
    return this.native;
  }

  private get isSocket(): boolean {
    return this.filetype === filetype.socket_stream || this.filetype === filetype.socket_dgram;
  }

  private get isRegularFile(): boolean {
    return this.filetype === filetype.regular_file;
  }

  override read(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    try {
      result.value = readWaiting(this.fd, buffers, flags, this.nativeIo);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override write(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    try {
      result.value = writeWaiting(this.fd, buffers, flags, this.nativeIo);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
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
      result.value = readBuffers(this.fd, buffers, Number(offset), this.nativeIo);
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
      result.value = writeBuffers(this.fd, buffers, Number(offset), this.nativeIo);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  override stat(into: Filestat): Errno {
    return statHostFd(this.fd, into);
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
    return setHostFdTimes(this.fd, atim, mtim, flags, this.environment.realtimeNow);
  }

  override sync(): Errno {
    return syncHostFd(this.fd);
  }

  override datasync(): Errno {
    return datasyncHostFd(this.fd);
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
}
