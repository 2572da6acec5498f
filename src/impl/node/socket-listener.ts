/**
 * A listening TCP socket (a Node net.Server) as a WASI descriptor, for the
 * worker runner. Connections the server takes are queued (paused, with an
 * 'error' listener at once, so a client that resets before the guest accepts
 * never reaches the process) until `sock_accept` hands them out as
 * SocketConnection descriptors. An accept with the queue empty answers
 * `again` with `fdflags.nonblock`, and otherwise a promise (only the worker
 * runner's host accepts one); poll_oneoff sees a listener readable while the
 * queue has a connection.
 */
import type { Server, Socket } from "node:net";
import {
  errno,
  eventtype,
  fdflags,
  filetype,
  type Errno,
  type Eventtype,
  type Fdflags,
  type Filestat,
} from "../../generated/preview1/types.js";
import type { Out } from "../../runtime/out.js";
import { BaseDescription, type FileDescription } from "../description.js";
import { ChangeSignal } from "../change-signal.js";
import { fillStreamFilestat } from "../stdio/stream-filestat.js";
import { SocketConnection } from "./socket-connection.js";

const ignore = () => {};

/** What a queued connection failed with before it was accepted (a client's reset). */
const failures = new WeakMap<Socket, unknown>();
const remember = function (this: Socket, error: unknown) {
  failures.set(this, error);
};

export class SocketListener extends BaseDescription {
  readonly filetype = filetype.socket_stream;
  private readonly queue: Socket[] = [];
  private readonly onConnection = (socket: Socket) => {
    socket.on("error", remember);
    socket.pause();
    if (this.closed) socket.destroy();
    else {
      this.queue.push(socket);
      this.change.notify();
    }
  };
  private closed = false;
  private readonly change = new ChangeSignal();

  /** `owned`: the runner made the server (from "host:port") and closes it with the descriptor. */
  constructor(
    private readonly server: Server,
    private readonly owned: boolean,
  ) {
    super();
    server.on("connection", this.onConnection);
    if (owned) server.on("error", ignore);
  }

  override accept(flags: Fdflags, result: Out<FileDescription>): Errno {
    const socket = this.queue.shift();
    if (socket !== undefined) {
      socket.removeListener("error", remember);
      result.value = new SocketConnection(socket, failures.get(socket));
      return errno.success;
    }
    if (this.closed) return errno.badf;
    if ((flags & fdflags.nonblock) !== 0) return errno.again;
    return this.change.next().then(() => this.accept(flags, result)) as unknown as Errno;
  }

  // A listening socket has no peer: reads and writes are ENOTCONN, as on Linux.
  override read(): Errno {
    return errno.notconn;
  }
  override write(): Errno {
    return errno.notconn;
  }
  override recv(): Errno {
    return errno.notconn;
  }
  override send(): Errno {
    return errno.notconn;
  }
  override shutdown(): Errno {
    return errno.notconn;
  }

  override stat(into: Filestat): Errno {
    fillStreamFilestat(into, filetype.socket_stream, 0n);
    return errno.success;
  }

  override readiness(kind: Eventtype, nbytes: Out<bigint>): Errno {
    nbytes.value = kind === eventtype.fd_read ? BigInt(this.queue.length) : 0n;
    return errno.success;
  }

  whenReady(kind: Eventtype): Promise<void> | null {
    return kind === eventtype.fd_read && this.queue.length === 0 && !this.closed ? this.change.next() : null;
  }

  /** Stops taking connections; those not accepted are dropped; a server the runner made is closed. */
  override close(): Errno {
    if (this.closed) return errno.success;
    this.closed = true;
    this.server.removeListener("connection", this.onConnection);
    for (const socket of this.queue.splice(0)) socket.destroy();
    if (this.owned) this.server.close();
    this.change.notify();
    return errno.success;
  }
}
