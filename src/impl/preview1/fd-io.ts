/**
 * Data and metadata calls on an open descriptor: read/write and their
 * positional and vectored forms, seek/tell, sizes, times, sync, hints, and
 * a directory's entries (fd_readdir).
 * Each checks the descriptor and its rights, then hands over to the
 * description, which knows what the object can do; iovec lists arrive cut to
 * maxBytesPerCall (limits.ts).
 */
import type { Errno } from "../../generated/preview1/types.js";
import * as whence from "../../generated/preview1/whence.js";
import * as errno from "../../generated/preview1/errno.js";
import type { HostMethods, HostState } from "./host-class.js";
import { blankFilestat } from "../description.js";
import { withinBytesPerCall } from "../limits.js";
import * as Right from "../../generated/preview1/rights.js";
import { conflictingTimeFlags } from "../time-flags.js";

// The filestat handed to the glue, refilled per call (the glue writes it out before the next one).
const filestat = blankFilestat();

/** The description behind `fd` in the host's table when the fd holds `needed`, else the errno. */
function description(host: HostState, fd: number, needed: number) {
  const entry = host.fds.withRights(fd, needed);
  return typeof entry === "number" ? entry : entry.description;
}

export const fdIoMethods: HostMethods<
  | "fd_read"
  | "fd_pread"
  | "fd_write"
  | "fd_pwrite"
  | "fd_seek"
  | "fd_tell"
  | "fd_advise"
  | "fd_allocate"
  | "fd_datasync"
  | "fd_sync"
  | "fd_filestat_get"
  | "fd_filestat_set_size"
  | "fd_filestat_set_times"
  | "fd_readdir"
> = {
  fd_read(fd, iovs, result) {
    const entry = this.fds.withRights(fd, Right.fd_read);
    if (typeof entry === "number") return entry;
    if (iovs.length > this.limits.maxIovecs) return errno.inval;
    if (iovs.length === 0) {
      result.value = 0;
      return errno.success;
    }
    const error = entry.description.read(withinBytesPerCall(iovs), entry.fdflags, result);
    if (error === errno.success) this.fds.noteRead(fd);
    return error;
  },

  fd_pread(fd, iovs, offset, result) {
    const target = description(this, fd, Right.fd_read | Right.fd_seek);
    if (typeof target === "number") return target;
    if (iovs.length > this.limits.maxIovecs) return errno.inval;
    if (iovs.length === 0) {
      result.value = 0;
      return errno.success;
    }
    return target.pread(withinBytesPerCall(iovs), offset, result);
  },

  fd_write(fd, iovs, result) {
    const entry = this.fds.withRights(fd, Right.fd_write);
    if (typeof entry === "number") return entry;
    if (iovs.length > this.limits.maxIovecs) return errno.inval;
    if (iovs.length === 0) {
      result.value = 0;
      return errno.success;
    }
    return entry.description.write(withinBytesPerCall(iovs), entry.fdflags, result);
  },

  fd_pwrite(fd, iovs, offset, result) {
    const target = description(this, fd, Right.fd_write | Right.fd_seek);
    if (typeof target === "number") return target;
    if (iovs.length > this.limits.maxIovecs) return errno.inval;
    if (iovs.length === 0) {
      result.value = 0;
      return errno.success;
    }
    return target.pwrite(withinBytesPerCall(iovs), offset, result);
  },

  /** Asking for the position only (offset 0 from `cur`) is allowed with either fd_seek or fd_tell. */
  fd_seek(fd, offset, anchor, result) {
    const entry = this.fds.get(fd);
    if (entry === undefined) return errno.badf;
    const tellOnly = offset === 0n && anchor === whence.cur;
    const allowed = tellOnly ? Right.fd_seek | Right.fd_tell : Right.fd_seek;
    if ((entry.rightsBase & allowed) === 0) return errno.notcapable;
    return entry.description.seek(offset, anchor, result);
  },

  fd_tell(fd, result) {
    const target = description(this, fd, Right.fd_tell);
    if (typeof target === "number") return target;
    return target.tell(result);
  },

  fd_advise(fd, offset, length, advice) {
    const target = description(this, fd, Right.fd_advise);
    if (typeof target === "number") return target;
    return target.advise(offset, length, advice);
  },

  fd_allocate(fd, offset, length) {
    const target = description(this, fd, Right.fd_allocate);
    if (typeof target === "number") return target;
    return target.allocate(offset, length);
  },

  fd_datasync(fd) {
    const target = description(this, fd, Right.fd_datasync);
    if (typeof target === "number") return target;
    return target.datasync();
  },

  fd_sync(fd) {
    const target = description(this, fd, Right.fd_sync);
    if (typeof target === "number") return target;
    return target.sync();
  },

  fd_filestat_get(fd, result) {
    const target = description(this, fd, Right.fd_filestat_get);
    if (typeof target === "number") return target;
    const error = target.stat(filestat);
    if (error !== errno.success) return error;
    result.value = filestat;
    return errno.success;
  },

  fd_filestat_set_size(fd, size) {
    const target = description(this, fd, Right.fd_filestat_set_size);
    if (typeof target === "number") return target;
    return target.setSize(size);
  },

  fd_filestat_set_times(fd, atim, mtim, flags): Errno {
    const target = description(this, fd, Right.fd_filestat_set_times);
    if (typeof target === "number") return target;
    if (conflictingTimeFlags(flags)) return errno.inval;
    return target.setTimes(atim, mtim, flags);
  },

  fd_readdir(fd, buffer, cookie, result) {
    // A directory opened without oflags.directory has file rights until settled.
    this.fds.settled(fd);
    const entry = this.fds.withRights(fd, Right.fd_readdir);
    if (typeof entry === "number") return entry;
    return entry.description.readdir(buffer, cookie, result);
  },
};
