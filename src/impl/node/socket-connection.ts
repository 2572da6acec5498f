/**
 * A connected TCP socket (a Node net.Socket) as a WASI descriptor, for the
 * worker runner: data arriving while the guest runs is buffered here (the
 * socket is paused above a high-water mark), and a read or accept with
 * nothing to give answers with a promise, which only the worker runner's host
 * accepts (worker/async-host.ts).
 *
 * The errnos a C program expects from a BSD socket:
 * - the peer half-closed (FIN): reads give what is buffered, then 0 bytes;
 *   writes go on (the peer may still read);
 * - the peer reset (RST), or a write failed (EPIPE after the peer closed):
 *   the next read with nothing buffered gives `connreset` once, then 0
 *   bytes; writes give `pipe`;
 * - after `sock_shutdown(wr)` writes give `pipe`; after `sock_shutdown(rd)`
 *   reads give 0 bytes.
 * Node reports those failures as 'error' events; one listener is attached
 * for the socket's whole life, so none ever reaches the process.
 */
import type { Socket } from "node:net";
import {
  errno,
  eventtype,
  fdflags,
  filetype,
  riflags,
  sdflags,
  type Errno,
  type Eventtype,
  type Fdflags,
  type Filestat,
  type Riflags,
  type Roflags,
  type Sdflags,
} from "../../generated/preview1/types.js";
import type { Out } from "../../runtime/out.js";
import { BaseDescription } from "../description.js";
import { ChangeSignal } from "../change-signal.js";
import { fillStreamFilestat } from "../stdio/stream-filestat.js";
import { codeOf } from "./errno-of.js";

/** A promise where an errno is due (see the module comment). */
function later(promise: Promise<Errno>): Errno {
  return promise as unknown as Errno;
}

/** The errno a failed socket's next call reports, from Node's error. */
function failureOf(error: unknown): Errno {
  switch (codeOf(error)) {
    case "ECONNRESET":
      return errno.connreset;
    case "EPIPE":
    case "ERR_STREAM_WRITE_AFTER_END":
    case "ERR_STREAM_DESTROYED":
      return errno.pipe;
    case "ETIMEDOUT":
      return errno.timedout;
    default:
      return errno.io;
  }
}

export class SocketConnection extends BaseDescription {
  readonly filetype = filetype.socket_stream;
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  /** No more data will arrive: the peer's FIN, our shutdown(rd), a failure or the socket's close. */
  private ended = false;
  /** The failure still to report to a read (`connreset`), once. */
  private readFailure: Errno | null = null;
  /** Writes give `pipe` from now on. */
  private writeClosed = false;
  private closed = false;
  /** What a waiting recv(MSG_WAITALL) needs buffered: the socket reads on past the high-water mark for it. */
  private wanted = 0;
  private draining: Promise<void> | null = null;
  private readonly change = new ChangeSignal();

  /** `earlier`: what the socket failed with before this description took it (a reset while it waited to be accepted). */
  constructor(
    private readonly socket: Socket,
    earlier?: unknown,
    private readonly highWater = 64 * 1024,
  ) {
    super();
    if (earlier !== undefined) this.fail(earlier);
    // Events that fired before this description listened are not sent again. A paused
    // socket still emits 'end' when the peer's FIN arrives with nothing buffered (Node
    // reads 0 bytes to emit it), so a client that connects and closes before the guest
    // accepts has already ended; one that closed has nothing more to say either way.
    if (socket.readableEnded) this.ended = true;
    if (socket.writableEnded) this.writeClosed = true;
    if (socket.destroyed) {
      this.writeClosed = true;
      this.ended = true;
    }
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      if (this.ended) return;
      // A copy: Node may reuse pooled buffers.
      this.chunks.push(new Uint8Array(chunk));
      this.buffered += chunk.length;
      if (this.buffered >= Math.max(this.highWater, this.wanted)) socket.pause();
      this.change.notify();
    });
    socket.on("end", () => this.finish());
    socket.on("close", () => {
      this.writeClosed = true;
      this.finish();
    });
    socket.on("error", (error) => this.fail(error));
    socket.resume();
  }

  private fail(error: unknown): void {
    const failure = failureOf(error);
    this.readFailure ??= failure === errno.connreset ? failure : null;
    this.writeClosed = true;
    this.finish();
  }

  private finish(): void {
    this.ended = true;
    this.change.notify();
  }

  /** Copies buffered bytes into `buffers`; removes them unless `peek`. */
  private take(buffers: readonly Uint8Array[], peek: boolean): number {
    let copied = 0;
    let chunk = 0;
    let offset = 0;
    for (const buffer of buffers) {
      let filled = 0;
      while (filled < buffer.length && chunk < this.chunks.length) {
        const source = this.chunks[chunk];
        const count = Math.min(buffer.length - filled, source.length - offset);
        buffer.set(source.subarray(offset, offset + count), filled);
        filled += count;
        offset += count;
        if (offset === source.length) {
          chunk++;
          offset = 0;
        }
      }
      copied += filled;
      if (chunk === this.chunks.length) break;
    }
    if (!peek) {
      this.chunks.splice(0, chunk);
      if (offset > 0) this.chunks[0] = this.chunks[0].subarray(offset);
      this.buffered -= copied;
      if (!this.ended && this.buffered < this.highWater) this.socket.resume();
    }
    return copied;
  }

  private receive(buffers: readonly Uint8Array[], flags: Riflags, nonblocking: boolean, result: Out<number>): Errno {
    const room = buffers.reduce((total, buffer) => total + buffer.length, 0);
    const waitAll = (flags & riflags.recv_waitall) !== 0;
    const short = this.buffered === 0 || (waitAll && this.buffered < room);
    if (!this.ended && short) {
      // A non-blocking recv takes what there is, waitall or not.
      if (nonblocking && this.buffered === 0) return errno.again;
      if (!nonblocking) {
        if (waitAll && room > this.buffered) {
          this.wanted = room;
          this.socket.resume();
        }
        return later(this.change.next().then(() => this.receive(buffers, flags, nonblocking, result)));
      }
    }
    this.wanted = 0;
    if (this.buffered === 0 && this.readFailure !== null) {
      const failure = this.readFailure;
      this.readFailure = null;
      return failure;
    }
    result.value = this.take(buffers, (flags & riflags.recv_peek) !== 0);
    return errno.success;
  }

  override read(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    return this.receive(buffers, 0, (flags & fdflags.nonblock) !== 0, result);
  }

  override recv(buffers: readonly Uint8Array[], flags: Riflags, fdflags_: Fdflags, result: Out<[number, Roflags]>): Errno {
    // Each call its own count: a recv that waits may overlap another thread's.
    const received: Out<number> = { value: 0 };
    const done = (error: Errno): Errno => {
      if (error === errno.success) result.value = [received.value, 0 as Roflags];
      return error;
    };
    const error: unknown = this.receive(buffers, flags, (fdflags_ & fdflags.nonblock) !== 0, received);
    return error instanceof Promise ? later((error as Promise<Errno>).then(done)) : done(error as Errno);
  }

  override write(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    return this.send(buffers, flags, result);
  }

  override send(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    if (this.writeClosed || this.socket.destroyed) return errno.pipe;
    const nonblocking = (flags & fdflags.nonblock) !== 0;
    if (this.socket.writableNeedDrain) {
      if (nonblocking) return errno.again;
      return later(this.drained().then(() => this.send(buffers, flags, result)));
    }
    let total = 0;
    for (const buffer of buffers) total += buffer.length;
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const buffer of buffers) {
      bytes.set(buffer, offset);
      offset += buffer.length;
    }
    result.value = total;
    if (total === 0) return errno.success;
    // Accepted by the socket (Node queues what the kernel does not take yet); a
    // failure later reaches the 'error' listener and the next call.
    this.socket.write(bytes);
    return errno.success;
  }

  /** Settles when the socket's write buffer has drained, or it closed; one promise for all who wait meanwhile. */
  private drained(): Promise<void> {
    this.draining ??= new Promise((resolve) => {
      const done = () => {
        this.socket.removeListener("drain", done);
        this.socket.removeListener("close", done);
        this.draining = null;
        resolve();
      };
      this.socket.once("drain", done);
      this.socket.once("close", done);
    });
    return this.draining;
  }

  override shutdown(how: Sdflags): Errno {
    if (this.socket.destroyed) return errno.notconn;
    if ((how & sdflags.rd) !== 0) {
      this.chunks.length = 0;
      this.buffered = 0;
      this.finish();
      this.socket.resume();
    }
    if ((how & sdflags.wr) !== 0 && !this.writeClosed) {
      this.writeClosed = true;
      this.socket.end();
    }
    return errno.success;
  }

  override stat(into: Filestat): Errno {
    fillStreamFilestat(into, filetype.socket_stream, 0n);
    return errno.success;
  }

  override readiness(kind: Eventtype, nbytes: Out<bigint>): Errno {
    if (kind === eventtype.fd_read) {
      nbytes.value = BigInt(this.buffered);
      return errno.success;
    }
    nbytes.value = 0n;
    return this.writeClosed || this.socket.destroyed ? errno.pipe : errno.success;
  }

  whenReady(kind: Eventtype): Promise<void> | null {
    if (kind === eventtype.fd_read) return this.buffered > 0 || this.ended ? null : this.change.next();
    return this.socket.writableNeedDrain && !this.writeClosed ? this.drained() : null;
  }

  hangup(): boolean {
    return this.ended && this.buffered === 0;
  }

  /** Flushes what was written, sends FIN and then lets the socket go. */
  override close(): Errno {
    if (this.closed) return errno.success;
    this.closed = true;
    this.finish();
    if (this.socket.destroyed) return errno.success;
    if (this.writeClosed) this.socket.destroy();
    else this.socket.end(() => this.socket.destroy());
    return errno.success;
  }
}
