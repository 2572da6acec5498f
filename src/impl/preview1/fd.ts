/** The descriptor table operations: close, renumber, fdstat, rights, prestat. */
import type { Fdstat } from "../../generated/preview1/types.js";
import * as fdflags from "../../generated/preview1/fdflags.js";
import * as filetype from "../../generated/preview1/filetype.js";
import * as preopentype from "../../generated/preview1/preopentype.js";
import * as errno from "../../generated/preview1/errno.js";
import type { HostMethods } from "./host-class.js";
import * as Right from "../../generated/preview1/rights.js";
import { rightsFromGuest, rightsToGuest } from "../rights.js";

/** The flags a host file was opened with; they cannot be changed afterwards (Node has no fcntl). */
const fixedFlags = fdflags.dsync | fdflags.rsync | fdflags.sync;

// The fdstat handed to the glue, refilled per call (the glue writes it out before the next one).
const fdstat: Fdstat = { fs_filetype: filetype.unknown, fs_flags: 0, fs_rights_base: 0n, fs_rights_inheriting: 0n };
// wasi-libc asks for the directory's fdstat before every open: keep the last conversions.
const toGuest = lastValueMemo(rightsToGuest);
const toGuestInheriting = lastValueMemo(rightsToGuest);

export const fdMethods: HostMethods<
  "fd_close" | "fd_renumber" | "fd_fdstat_get" | "fd_fdstat_set_flags" | "fd_fdstat_set_rights" | "fd_prestat_get" | "fd_prestat_dir_name"
> = {
  fd_close(fd) {
    const entry = this.fds.remove(fd);
    if (entry === undefined) return errno.badf;
    // The number is free even when the host reports a close error, as on Linux.
    return entry.description.close();
  },

  fd_renumber(fd, to) {
    const moving = this.fds.get(fd);
    const replaced = this.fds.get(to);
    if (moving === undefined || replaced === undefined) return errno.badf;
    if (fd === to) return errno.success;
    this.fds.remove(to);
    // Like dup2, a failure to close what was at `to` does not stop the move.
    replaced.description.close();
    this.fds.move(fd, to);
    return errno.success;
  },

  fd_fdstat_get(fd, result) {
    const entry = this.fds.settled(fd);
    if (entry === undefined) return errno.badf;
    fdstat.fs_filetype = entry.description.filetype;
    fdstat.fs_flags = entry.fdflags;
    fdstat.fs_rights_base = toGuest(entry.rightsBase);
    fdstat.fs_rights_inheriting = toGuestInheriting(entry.rightsInheriting);
    result.value = fdstat;
    return errno.success;
  },

  /**
   * append and nonblock are ours to switch. The sync flags were given to the
   * host open and Node cannot change them on an open fd, so a change there
   * is `notsup` (keeping them as they are is fine).
   */
  fd_fdstat_set_flags(fd, flags) {
    const entry = this.fds.withRights(fd, Right.fd_fdstat_set_flags);
    if (typeof entry === "number") return entry;
    if ((flags & fixedFlags) !== (entry.fdflags & fixedFlags)) return errno.notsup;
    entry.fdflags = flags;
    return errno.success;
  },

  fd_fdstat_set_rights(fd, base, inheriting) {
    const entry = this.fds.settled(fd);
    if (entry === undefined) return errno.badf;
    const newBase = rightsFromGuest(base);
    const newInheriting = rightsFromGuest(inheriting);
    if ((newBase & ~entry.rightsBase) !== 0 || (newInheriting & ~entry.rightsInheriting) !== 0) return errno.notcapable;
    entry.rightsBase = newBase;
    entry.rightsInheriting = newInheriting;
    return errno.success;
  },

  fd_prestat_get(fd, result) {
    const name = this.fds.get(fd)?.preopenName;
    if (name === undefined || name === null) return errno.badf;
    result.value = { tag: preopentype.dir, value: { pr_name_len: name.length } };
    return errno.success;
  },

  /** A buffer shorter than the name is refused (wasmtime does the same); the name gets no NUL. */
  fd_prestat_dir_name(fd, path) {
    const name = this.fds.get(fd)?.preopenName;
    if (name === undefined || name === null) return errno.badf;
    if (path.length < name.length) return errno.nametoolong;
    path.set(name);
    return errno.success;
  },
};

/** `convert`, remembering the result for the last argument. */
function lastValueMemo<A, R>(convert: (value: A) => R): (value: A) => R {
  let lastArgument: A | undefined;
  let lastResult: R | undefined;
  return (value) => {
    if (value !== lastArgument || lastResult === undefined) {
      lastArgument = value;
      lastResult = convert(value);
    }
    return lastResult;
  };
}
