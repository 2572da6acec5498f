/**
 * The descriptors a guest starts with: stdio at 0, 1, 2 and the preopened
 * directories from 3 on. Failures here are NodeHostStartErrors, which the
 * WASI class reports the way node:wasi reports them from `new WASI()`.
 */
import { closeSync, constants, fstatSync, openSync, realpathSync } from "node:fs";
import { errno, filetype, type Filetype } from "../../generated/preview1/types.js";
import { FdEntry } from "../fd-table.js";
import { directoryInheritingRights, directoryRights, socketRights, stdioFileRights, streamRights } from "../rights.js";
import type { NodeFsEnvironment } from "./environment.js";
import { errnoNameOf } from "./errno-map.js";
import { HostDirectory } from "./host-directory.js";
import { StdioStream } from "./stdio-stream.js";
import { NodeHostStartError } from "./start-error.js";
import { filetypeOf } from "./stats.js";

/** A stdio descriptor over a host fd the embedder owns (never closed by us). */
export function stdioEntry(hostFd: number, environment: NodeFsEnvironment): FdEntry {
  let type: Filetype;
  try {
    type = filetypeOf(fstatSync(hostFd));
  } catch {
    throw new NodeHostStartError("EBADF", errno.badf, { hostFd });
  }
  let rights: number;
  switch (type) {
    case filetype.regular_file:
    case filetype.block_device:
      rights = stdioFileRights;
      break;
    case filetype.socket_stream:
    case filetype.socket_dgram:
      rights = socketRights;
      break;
    default:
      rights = streamRights;
  }
  return new FdEntry(new StdioStream(hostFd, type, environment), rights, 0, 0);
}

/** Opens a preopened directory; its guest name is kept for fd_prestat_dir_name. */
export function preopenEntry(guestPath: string, hostPath: string, environment: NodeFsEnvironment): FdEntry {
  let fd: number;
  let canonical: string;
  try {
    // The native realpath is one system call; the JS one lstats every component.
    canonical = realpathSync.native(hostPath);
    fd = openSync(canonical, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (error) {
    const name = errnoNameOf(error);
    throw new NodeHostStartError(`E${name.toUpperCase()}`, errno[name], { preopen: [guestPath, hostPath] });
  }
  try {
    const directory = HostDirectory.preopen(fd, canonical, fstatSync(fd, { bigint: true }), environment);
    return new FdEntry(directory, directoryRights, directoryInheritingRights, 0, new TextEncoder().encode(guestPath));
  } catch (error) {
    closeSync(fd);
    const name = errnoNameOf(error);
    throw new NodeHostStartError(`E${name.toUpperCase()}`, errno[name], { preopen: [guestPath, hostPath] });
  }
}
