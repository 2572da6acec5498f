/**
 * path_* calls: everything resolved through a directory
 * descriptor. The descriptor must be a directory (else `notdir`, checked
 * before rights, as wasmtime does) holding the right for the operation.
 *
 * path_open grants the requested rights intersected with the directory's
 * inheriting rights and with what the opened object can do at all. The rule:
 *  - a requested `fd_read` or `fd_write` that the directory's inheriting
 *    rights do not contain gives `notcapable` (these apply to every regular
 *    file, and the witx lets a host withhold only rights that do not apply to
 *    the file being opened; see `rightsRefusedUnlessInherited`);
 *  - any other right asked for beyond the inheriting rights, or beyond what
 *    the opened object can do, is simply not granted (wasmtime and wasi-libc
 *    expect this; wasi-libc and Rust std ask for nearly every right). That
 *    includes writing rights other than fd_write asked for on a directory
 *    without `creat` or `trunc`: it opens, with the directory rights among
 *    those asked for; fd_write on a directory is `isdir`, as open(2) says.
 * Whether the host file is opened for reading and/or writing follows from the
 * granted rights. The rule lives here, above the file systems, so a host
 * directory and an in-memory one answer alike.
 */
import { asFd, lookupflags, oflags, type Errno } from "../../generated/preview1/types.js";
import * as filetype from "../../generated/preview1/filetype.js";
import * as errno from "../../generated/preview1/errno.js";
import type { Out } from "../../runtime/out.js";
import type { HostMethods } from "./host-class.js";
import { blankFilestat, type Directory, type FileDescription } from "../description.js";
import { FdEntry, type FdTable } from "../fd-table.js";
import * as Right from "../../generated/preview1/rights.js";
import { maximumRightsFor, readingRights, rightsFromGuest, rightsRefusedUnlessInherited, writingRights } from "../rights.js";
import { conflictingTimeFlags } from "../time-flags.js";

// Refilled per call: path_open does not re-enter, and the glue writes a filestat out before the next call.
const filestat = blankFilestat();
const fileMaximum = maximumRightsFor(filetype.regular_file);
const opened: Out<FileDescription> = { value: undefined as never };
const request = { followSymlinks: false, oflags: 0, fdflags: 0, read: false, write: false };

/** The directory behind `fd` in `fds` when it holds every right in `needed`, else the errno. */
function directory(fds: FdTable, fd: number, needed: number): Directory | Errno {
  const entry = fds.settled(fd);
  if (entry === undefined) return errno.badf;
  const found = entry.description.directory;
  if (found === null) return errno.notdir;
  if ((entry.rightsBase & needed) !== needed) return errno.notcapable;
  return found;
}

export const pathMethods: HostMethods<
  | "path_open"
  | "path_create_directory"
  | "path_remove_directory"
  | "path_unlink_file"
  | "path_rename"
  | "path_link"
  | "path_symlink"
  | "path_readlink"
  | "path_filestat_get"
  | "path_filestat_set_times"
> = {
  path_open(fd, dirflags, path, openFlags, requestedBase, requestedInheriting, fdflags, result) {
    const entry = this.fds.settled(fd);
    if (entry === undefined) return errno.badf;
    const parent = entry.description.directory;
    if (parent === null) return errno.notdir;
    let needed = Right.path_open;
    if ((openFlags & oflags.creat) !== 0) needed |= Right.path_create_file;
    if ((openFlags & oflags.trunc) !== 0) needed |= Right.path_filestat_set_size;
    if ((entry.rightsBase & needed) !== needed) return errno.notcapable;
    const askedBase = rightsFromGuest(requestedBase);
    if ((askedBase & rightsRefusedUnlessInherited & ~entry.rightsInheriting) !== 0) return errno.notcapable;
    if (!this.fds.hasRoom) return errno.mfile;
    const base = askedBase & entry.rightsInheriting;
    const inheriting = rightsFromGuest(requestedInheriting) & entry.rightsInheriting;
    request.followSymlinks = (dirflags & lookupflags.symlink_follow) !== 0;
    request.oflags = openFlags;
    request.fdflags = fdflags;
    request.read = (base & readingRights) !== 0;
    request.write = (base & writingRights) !== 0;
    let error = parent.open(path, request, opened);
    if (error === errno.isdir && request.write && (base & Right.fd_write) === 0 && (openFlags & (oflags.creat | oflags.trunc)) === 0) {
      // A directory asked for with rights that made the open a writing one
      // but that are not fd_write (fd_datasync, which a preopen's own rights
      // hold, fd_allocate, fd_filestat_set_size): those are dropped like any
      // other the object cannot use, and it opens as the directory it is.
      // Asking for fd_write stays open(2)'s EISDIR, which libc's open() of a
      // directory with O_WRONLY or O_RDWR relies on.
      request.write = false;
      request.oflags = openFlags | oflags.directory;
      if (parent.open(path, request, opened) !== errno.success) return error;
      error = errno.success;
    }
    if (error !== errno.success) return error;
    const description = opened.value;
    opened.value = undefined as never;
    let newEntry: FdEntry;
    if (description.kindKnown) {
      const maximum = maximumRightsFor(description.filetype);
      newEntry = new FdEntry(description, base & maximum.base, inheriting & maximum.inheriting, fdflags);
    } else {
      newEntry = FdEntry.unsettled(description, base, inheriting, fileMaximum, fdflags);
    }
    const newFd = this.fds.insert(newEntry);
    if (newFd < 0) {
      description.close();
      return errno.mfile;
    }
    result.value = asFd(newFd);
    return errno.success;
  },

  path_create_directory(fd, path) {
    const target = directory(this.fds, fd, Right.path_create_directory);
    if (typeof target === "number") return target;
    return target.createDirectory(path);
  },

  path_remove_directory(fd, path) {
    const target = directory(this.fds, fd, Right.path_remove_directory);
    if (typeof target === "number") return target;
    return target.removeDirectory(path);
  },

  path_unlink_file(fd, path) {
    const target = directory(this.fds, fd, Right.path_unlink_file);
    if (typeof target === "number") return target;
    return target.unlinkFile(path);
  },

  path_rename(fd, oldPath, newFd, newPath) {
    const from = directory(this.fds, fd, Right.path_rename_source);
    if (typeof from === "number") return from;
    const to = directory(this.fds, newFd, Right.path_rename_target);
    if (typeof to === "number") return to;
    return from.rename(oldPath, to, newPath);
  },

  path_link(oldFd, oldFlags, oldPath, newFd, newPath) {
    const from = directory(this.fds, oldFd, Right.path_link_source);
    if (typeof from === "number") return from;
    const to = directory(this.fds, newFd, Right.path_link_target);
    if (typeof to === "number") return to;
    return from.link(oldPath, oldFlags, to, newPath);
  },

  path_symlink(target, fd, path) {
    const parent = directory(this.fds, fd, Right.path_symlink);
    if (typeof parent === "number") return parent;
    return parent.symlink(target, path);
  },

  path_readlink(fd, path, buffer, result) {
    const target = directory(this.fds, fd, Right.path_readlink);
    if (typeof target === "number") return target;
    return target.readlink(path, buffer, result);
  },

  path_filestat_get(fd, flags, path, result) {
    const target = directory(this.fds, fd, Right.path_filestat_get);
    if (typeof target === "number") return target;
    const error = target.statPath(path, flags, filestat);
    if (error !== errno.success) return error;
    result.value = filestat;
    return errno.success;
  },

  path_filestat_set_times(fd, flags, path, atim, mtim, fstFlags) {
    const target = directory(this.fds, fd, Right.path_filestat_set_times);
    if (typeof target === "number") return target;
    if (conflictingTimeFlags(fstFlags)) return errno.inval;
    return target.setPathTimes(path, flags, atim, mtim, fstFlags);
  },
};
