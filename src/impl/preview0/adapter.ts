/**
 * Serves wasi_unstable (preview0) guests with a preview1 host, so both versions
 * share one implementation and one descriptor table.
 *
 * The two witx versions have the same functions (less `sock_accept`, which
 * preview0 lacks) with the same parameters; they differ only in a few types,
 * converted in layouts.ts. Methods whose types are identical in both versions
 * forward unchanged; the rest convert on the way in or out:
 *
 * - fd_seek: whence renumbered;
 * - fd_filestat_get, path_filestat_get: 64-byte filestat → 56-byte one
 *   (`overflow` if the link count does not fit 32 bits);
 * - poll_oneoff: subscriptions read in preview0's 56-byte layout;
 * - fd_fdstat_get: the preview1-only `sock_accept` right hidden;
 * - fd_fdstat_set_rights: that right kept as it was, since a preview0 guest
 *   cannot name it and so cannot mean to drop it.
 *
 * Node's own node:wasi serves `wasi_unstable` with preview1's layouts and
 * numbering, which misreads all of the above; this adapter is where we differ.
 */
import type { Out } from "../../runtime/index.js";
import type { Preview0Host } from "../../generated/preview0/host.js";
import * as p0 from "../../generated/preview0/types.js";
import type { Preview1Host } from "../../generated/preview1/host.js";
import * as p1 from "../../generated/preview1/types.js";
import {
  fdstatToPreview0,
  fdToPreview0,
  fdToPreview1,
  filestatToPreview0,
  preview0SubscriptionAsPreview1,
  preview1OnlyRights,
  whenceToPreview1,
} from "./layouts.js";

export function preview0Host(host: Preview1Host): Preview0Host {
  // One scratch result per converting method, reused like the glue reuses its own.
  const fdstat: Out<p1.Fdstat> = { value: undefined as never };
  const filestat: Out<p1.Filestat> = { value: undefined as never };
  const newFd: Out<p1.Fd> = { value: p1.asFd(0) };

  /** Copies a filestat result into preview0's form; the errno to return. */
  const giveFilestat = (error: p1.Errno, result: Out<p0.Filestat>): p0.Errno => {
    if (error !== p1.errno.success) return error;
    const converted = filestatToPreview0(filestat.value);
    if (converted === null) return p0.errno.overflow;
    result.value = converted;
    return p0.errno.success;
  };

  const fd = fdToPreview1;

  return {
    args_get: (argv, argvBuf) => host.args_get(argv, argvBuf),
    args_sizes_get: (result) => host.args_sizes_get(result),
    environ_get: (environ, environBuf) => host.environ_get(environ, environBuf),
    environ_sizes_get: (result) => host.environ_sizes_get(result),
    clock_res_get: (id, result) => host.clock_res_get(id, result),
    clock_time_get: (id, precision, result) => host.clock_time_get(id, precision, result),
    fd_advise: (f, offset, len, advice) => host.fd_advise(fd(f), offset, len, advice),
    fd_allocate: (f, offset, len) => host.fd_allocate(fd(f), offset, len),
    fd_close: (f) => host.fd_close(fd(f)),
    fd_datasync: (f) => host.fd_datasync(fd(f)),
    fd_fdstat_get(f, result) {
      const error = host.fd_fdstat_get(fd(f), fdstat);
      if (error !== p1.errno.success) return error;
      result.value = fdstatToPreview0(fdstat.value);
      return p0.errno.success;
    },
    fd_fdstat_set_flags: (f, flags) => host.fd_fdstat_set_flags(fd(f), flags),
    fd_fdstat_set_rights(f, base, inheriting) {
      const error = host.fd_fdstat_get(fd(f), fdstat);
      if (error !== p1.errno.success) return error;
      const kept = (current: p1.Rights) => current & preview1OnlyRights;
      return host.fd_fdstat_set_rights(
        fd(f),
        base | kept(fdstat.value.fs_rights_base),
        inheriting | kept(fdstat.value.fs_rights_inheriting),
      );
    },
    fd_filestat_get: (f, result) => giveFilestat(host.fd_filestat_get(fd(f), filestat), result),
    fd_filestat_set_size: (f, size) => host.fd_filestat_set_size(fd(f), size),
    fd_filestat_set_times: (f, atim, mtim, flags) => host.fd_filestat_set_times(fd(f), atim, mtim, flags),
    fd_pread: (f, iovs, offset, result) => host.fd_pread(fd(f), iovs, offset, result),
    fd_prestat_get: (f, result) => host.fd_prestat_get(fd(f), result),
    fd_prestat_dir_name: (f, path) => host.fd_prestat_dir_name(fd(f), path),
    fd_pwrite: (f, iovs, offset, result) => host.fd_pwrite(fd(f), iovs, offset, result),
    fd_read: (f, iovs, result) => host.fd_read(fd(f), iovs, result),
    fd_readdir: (f, buf, cookie, result) => host.fd_readdir(fd(f), buf, cookie, result),
    fd_renumber: (f, to) => host.fd_renumber(fd(f), fd(to)),
    fd_seek: (f, offset, whence, result) => host.fd_seek(fd(f), offset, whenceToPreview1(whence), result),
    fd_sync: (f) => host.fd_sync(fd(f)),
    fd_tell: (f, result) => host.fd_tell(fd(f), result),
    fd_write: (f, iovs, result) => host.fd_write(fd(f), iovs, result),
    path_create_directory: (f, path) => host.path_create_directory(fd(f), path),
    path_filestat_get: (f, flags, path, result) => giveFilestat(host.path_filestat_get(fd(f), flags, path, filestat), result),
    path_filestat_set_times: (f, flags, path, atim, mtim, fstFlags) =>
      host.path_filestat_set_times(fd(f), flags, path, atim, mtim, fstFlags),
    path_link: (oldFd, oldFlags, oldPath, newDir, newPath) => host.path_link(fd(oldFd), oldFlags, oldPath, fd(newDir), newPath),
    path_open(f, dirflags, path, oflags, base, inheriting, fdflags, result) {
      const error = host.path_open(fd(f), dirflags, path, oflags, base, inheriting, fdflags, newFd);
      if (error !== p1.errno.success) return error;
      result.value = fdToPreview0(newFd.value);
      return p0.errno.success;
    },
    path_readlink: (f, path, buf, result) => host.path_readlink(fd(f), path, buf, result),
    path_remove_directory: (f, path) => host.path_remove_directory(fd(f), path),
    path_rename: (f, oldPath, newDir, newPath) => host.path_rename(fd(f), oldPath, fd(newDir), newPath),
    path_symlink: (oldPath, f, newPath) => host.path_symlink(oldPath, fd(f), newPath),
    path_unlink_file: (f, path) => host.path_unlink_file(fd(f), path),
    poll_oneoff: (subscriptions, events, count, result) =>
      // Events have the same layout in both versions; subscriptions do not.
      host.poll_oneoff(subscriptions.offset(0, preview0SubscriptionAsPreview1), events.offset(0, p1.eventCodec), count, result),
    proc_exit: (code) => host.proc_exit(code),
    proc_raise: (signal) => host.proc_raise(signal),
    sched_yield: () => host.sched_yield(),
    random_get: (buf) => host.random_get(buf),
    sock_recv: (f, data, flags, result) => host.sock_recv(fd(f), data, flags, result),
    sock_send: (f, data, flags, result) => host.sock_send(fd(f), data, flags, result),
    sock_shutdown: (f, how) => host.sock_shutdown(fd(f), how),
  };
}
