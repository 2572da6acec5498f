/**
 * The operations every description over a host fd does the same way, whatever
 * the fd is (a file, a directory, a stdio stream): stat, set times, sync. Each
 * returns an errno and never throws for what the OS refuses.
 */
import { fdatasyncSync, fstatSync, fsyncSync, futimesSync } from "node:fs";
import { errno, type Errno, type Filestat, type Fstflags } from "../../generated/preview1/types.js";
import { errnoOf } from "./errno-of.js";
import { fillFilestat } from "./stats.js";
import { timesToSet } from "./times.js";

export function statHostFd(fd: number, into: Filestat): Errno {
  try {
    fillFilestat(into, fstatSync(fd, { bigint: true }));
    return errno.success;
  } catch (error) {
    return errnoOf(error);
  }
}

/** `flags` has been checked by the caller: never both a time and its `_now` variant. */
export function setHostFdTimes(fd: number, atim: bigint, mtim: bigint, flags: Fstflags, realtimeNow: () => bigint): Errno {
  if (flags === 0) return errno.success;
  try {
    const [atime, mtime] = timesToSet(atim, mtim, flags, () => fstatSync(fd, { bigint: true }), realtimeNow);
    futimesSync(fd, atime, mtime);
    return errno.success;
  } catch (error) {
    return errnoOf(error);
  }
}

export function syncHostFd(fd: number): Errno {
  try {
    fsyncSync(fd);
    return errno.success;
  } catch (error) {
    return errnoOf(error);
  }
}

export function datasyncHostFd(fd: number): Errno {
  try {
    fdatasyncSync(fd);
    return errno.success;
  } catch (error) {
    return errnoOf(error);
  }
}
