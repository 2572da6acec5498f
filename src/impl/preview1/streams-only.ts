/**
 * path_* and sock_* for a host whose descriptors are streams and nothing else
 * (the portable WASI class without mounts: stdio sources and sinks, which are
 * neither directories nor sockets, and no call can open anything else). The
 * answers are the ones path.ts and sock.ts give on such descriptors, in their
 * order: `badf` for a closed fd; then, since the kind of object is checked
 * before rights, `notdir` and `notsock`.
 */
import type { Errno } from "../../generated/preview1/types.js";
import * as errno from "../../generated/preview1/errno.js";
import type { PathAndSocketCalls } from "./path-and-socket.js";
import type { HostClass } from "./compose-host.js";
import { hostClass, type HostState } from "./host-class.js";

function notADirectory(this: HostState, fd: number): Errno {
  return this.fds.get(fd) === undefined ? errno.badf : errno.notdir;
}

function notASocket(this: HostState, fd: number): Errno {
  return this.fds.get(fd) === undefined ? errno.badf : errno.notsock;
}

const streamsOnlyCalls: PathAndSocketCalls = {
  path_open: notADirectory,
  path_create_directory: notADirectory,
  path_remove_directory: notADirectory,
  path_unlink_file: notADirectory,
  path_rename: notADirectory,
  path_link: notADirectory,
  path_symlink(_target, fd) {
    return notADirectory.call(this, fd);
  },
  path_readlink: notADirectory,
  path_filestat_get: notADirectory,
  path_filestat_set_times: notADirectory,
  sock_accept: notASocket,
  sock_recv: notASocket,
  sock_send: notASocket,
  sock_shutdown: notASocket,
};

/** The host class of a portable host without mounts. */
export const StreamsOnlyHost: HostClass = hostClass(streamsOnlyCalls);
