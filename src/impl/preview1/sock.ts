/**
 * sock_*. The sockets a guest holds are stdio fds that are sockets (see
 * node/stdio-stream.ts) and, in the worker runner, the listeners and
 * connections the embedder hands over (node/socket-listener.ts,
 * node/socket-connection.ts), whose accept and reads may answer with a promise.
 * The kind of object is checked before rights: a descriptor that is not a
 * socket gives `notsock`, a closed one `badf`.
 */
import { asFd, type Errno } from "../../generated/preview1/types.js";
import * as filetype from "../../generated/preview1/filetype.js";
import * as errno from "../../generated/preview1/errno.js";
import type { Out } from "../../runtime/out.js";
import type { HostMethods } from "./host-class.js";
import type { FileDescription } from "../description.js";
import { FdEntry, type FdTable } from "../fd-table.js";
import { withinBytesPerCall } from "../limits.js";
import * as Right from "../../generated/preview1/rights.js";
import { socketRights } from "../rights.js";

/** The entry of `fd` in `fds` when it is a socket holding every right in `needed`, else the errno. */
function socket(fds: FdTable, fd: number, needed: number): FdEntry | Errno {
  const entry = fds.settled(fd);
  if (entry === undefined) return errno.badf;
  const type = entry.description.filetype;
  if (type !== filetype.socket_stream && type !== filetype.socket_dgram) return errno.notsock;
  if ((entry.rightsBase & needed) !== needed) return errno.notcapable;
  return entry;
}

export const sockMethods: HostMethods<"sock_accept" | "sock_recv" | "sock_send" | "sock_shutdown"> = {
  sock_accept(fd, flags, result) {
    const fds = this.fds;
    const entry = socket(fds, fd, Right.sock_accept);
    if (typeof entry === "number") return entry;
    if (!fds.hasRoom) return errno.mfile;
    // Each call its own: an accept that waits (worker runner) may overlap another thread's.
    const accepted: Out<FileDescription> = { value: undefined as never };
    const admit = (error: Errno): Errno => {
      if (error !== errno.success) return error;
      if (!fds.hasRoom) {
        accepted.value.close();
        return errno.mfile;
      }
      result.value = asFd(fds.insert(new FdEntry(accepted.value, socketRights, 0, flags)));
      return errno.success;
    };
    // Whether the accept waits is the listener's own nonblock flag (fcntl on it); `flags` are the new fd's.
    const error: unknown = entry.description.accept(entry.fdflags, accepted);
    // A promise of the errno: only the worker runner's host gets one, and accepts it (worker/async-host.ts).
    return error instanceof Promise ? ((error as Promise<Errno>).then(admit) as unknown as Errno) : admit(error as Errno);
  },
  sock_recv(fd, buffers, flags, result) {
    const entry = socket(this.fds, fd, Right.fd_read);
    if (typeof entry === "number") return entry;
    if (buffers.length > this.limits.maxIovecs) return errno.inval;
    return entry.description.recv(withinBytesPerCall(buffers), flags, entry.fdflags, result);
  },
  sock_send(fd, buffers, _flags, result) {
    const entry = socket(this.fds, fd, Right.fd_write);
    if (typeof entry === "number") return entry;
    if (buffers.length > this.limits.maxIovecs) return errno.inval;
    return entry.description.send(withinBytesPerCall(buffers), entry.fdflags, result);
  },
  sock_shutdown(fd, how) {
    const entry = socket(this.fds, fd, Right.sock_shutdown);
    if (typeof entry === "number") return entry;
    if (how === 0) return errno.inval;
    return entry.description.shutdown(how);
  },
};
