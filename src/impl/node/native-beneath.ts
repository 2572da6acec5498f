/**
 * The optional native addon (native/beneath.c): path operations the kernel
 * confines beneath a directory descriptor with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS), on Linux 5.6 and later.
 *
 * Why native. Node has no openat(); through node:fs every confined step costs
 * a path walk of `/proc/self/fd/<fd>/<name>` and, for kept directory handles,
 * a readlink to check they are still where they were (anchored-resolver.ts).
 * One openat2 call does the whole walk beneath the descriptor, symlinks
 * included, atomically: no per-component opens, no readlink. The directory a
 * walk reached is kept (KeptDirectories), so that the next path below it is
 * one *at call; inotify, not a check per call, says when a kept one is stale.
 *
 * Optional. The addon is built by the package's install step when a compiler
 * is there (native/build.mjs). It is used only when it loads and its probe
 * succeeds (ENOSYS before Linux 5.6), and a host does not opt out
 * (NodeHostOptions.nativeResolution, WITX_WASI_NATIVE=0); otherwise the
 * host resolves in JavaScript as before.
 * It is loaded on first use, not at import.
 *
 * The addon answers a number: >= 0 for success, a negated errno, `escaped`
 * (the walk tried to leave the directory: `notcapable`, as the JavaScript
 * resolvers answer it) or `undecided` (a path whose meaning the addon does not
 * settle, such as a trailing "/" or a last component of "..": the caller takes
 * its JavaScript resolution, which answers as it always did).
 */
import { errno, type Errno } from "../../generated/preview1/types.js";
import { loadAddon } from "./addon-file.js";
import { withFastPathCalls } from "./native-fast-calls.js";
import { errnoNameOfPosixNumber } from "./errno-map.js";
import { systemErrno } from "./system-errno.js";

/**
 * Directories the addon keeps open for one host, so that a path below one is
 * a single *at call instead of a walk (native/beneath.c says how they are kept
 * fresh). Opaque; made by keptCreate, passed as the last argument of the calls
 * that take it, closed by keptClose.
 */
export interface KeptDirectories {
  readonly __kept: unique symbol;
}

export interface NativeBeneath {
  // open, stat, unlink and mkdir take every argument, `kept` too: V8 makes a fast call (withFastPathCalls) only then.
  open(dirFd: number, path: string, flags: number, mode: number, kept: KeptDirectories | null): number;
  /** Writes dev, ino, mode, nlink, size, atim, mtim, ctim into `out` (a BigInt64Array, or the ArrayBuffer of one: found faster). */
  stat(dirFd: number, path: string, follow: boolean, out: BigInt64Array | ArrayBuffer, kept: KeptDirectories | null): number;
  /** fstat of a host fd the host holds (with `parent`: fstatat of its `..`, for the inode a listing gives `..`), into `out` as stat writes it. */
  statFd(fd: number, out: BigInt64Array, parent: boolean): number;
  unlink(dirFd: number, path: string, directory: boolean, kept: KeptDirectories | null): number;
  mkdir(dirFd: number, path: string, kept: KeptDirectories | null): number;
  rename(dirFd: number, path: string, newDirFd: number, newPath: string): number;
  link(dirFd: number, path: string, newDirFd: number, newPath: string, follow: boolean): number;
  symlink(target: string, dirFd: number, path: string, kept?: KeptDirectories | null): number;
  readlink(dirFd: number, path: string, out: Buffer, kept?: KeptDirectories | null): number;
  /** Closes a host fd, after forgetting what `kept` keeps beneath it: 0 or a negated errno. */
  close(fd: number, kept?: KeptDirectories | null): number;
  /**
   * Reads into `bytes` from `offset`, at most `length` bytes, from a host fd the host
   * owns: pread at `position` (>= 0) or read at the OS offset (-1). The count, a negated
   * errno (EINTR included, as libuv leaves it), or `undecided` for arguments out of range.
   */
  read(fd: number, bytes: Uint8Array, offset: number, length: number, position: number): number;
  /** As read, with pwrite or write (retried on EINTR, as libuv does). */
  write(fd: number, bytes: Uint8Array, offset: number, length: number, position: number): number;
  /**
   * The listing of the directory `dirFd` as fd_readdir hands it out, into `out`: `.` and
   * `..` (their inodes from `slots`), then the entries sorted as readdirSync sorts them,
   * each a dirent laid out as `slots` say and its name as on disk. The bytes used (with
   * slots[slotNotAscii] 1 when a name is not ASCII); `tooSmall` with the size needed in
   * out's first four bytes (u32 LE); `undecided` on file systems other than local ones;
   * or a negated errno.
   */
  list(dirFd: number, out: Buffer, slots: Uint32Array): number;
  /** A new set of kept directories; null when the addon cannot make one. */
  keptCreate(): KeptDirectories | null;
  /** Closes every kept fd and the inotify instance; the set keeps again when next used. */
  keptClose(kept: KeptDirectories): void;
  /** Forgets what is kept beneath `dirFd`: called when a directory fd is opened (its close forgets too). */
  keptForget(kept: KeptDirectories, dirFd: number): void;
}

interface NativeModule extends NativeBeneath {
  probe(): number;
}

/** The walk tried to leave the directory. */
const escaped = -5001;
/** The addon leaves this path to the JavaScript resolver. */
export const undecided = -5002;
/** The output buffer of `list` is too small. */
export const tooSmall = -5003;

/*
 * The slots of the Uint32Array `list` reads (native/beneath.c's enum), which
 * start with the listing cache's stamp (listing-cache.ts): u64s as the two
 * words of a BigUint64Array element, the dev and ino of the directory, its
 * mtime and ctime (ns) and the inode of its `..`; then what the caller sets
 * once: the dirent layout (its size, then the offsets of d_next, d_ino,
 * d_namlen, d_type) and the filetype of each DT_* value. Single numbers,
 * which the bundler inlines.
 */
export const slotDev = 0;
export const slotIno = 2;
export const slotMtime = 4;
export const slotCtime = 6;
export const slotParent = 8;
/** 1 after `list` when a name is not ASCII. */
export const slotNotAscii = 10;
export const slotDirent = 11;
export const slotFiletypes = 16;
export const slotCount = 32;

let loaded: NativeBeneath | null | undefined;

/** The addon, or null when it is missing or openat2 does not work here. Probed once per process. */
export function nativeBeneath(): NativeBeneath | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  const addon = loadAddon<NativeModule>("native", "witx_wasi_native.node");
  try {
    if (addon?.probe() === 0) loaded = addon;
  } catch {
    // A probe that throws is an addon this Node cannot use: the JavaScript resolver serves.
  }
  if (loaded !== null) loaded = withFastPathCalls(loaded);
  return loaded;
}

/** The WASI errno for a negative answer other than `undecided`. */
export function nativeErrno(code: number): Errno {
  return code === escaped ? errno.notcapable : errno[errnoNameOfPosixNumber(-code)];
}

let codeNames: Map<number, string> | undefined;

/**
 * A negated errno from the addon's read or write as the error Node's fs would
 * have thrown (`code`, negative `errno`), so that the callers' error handling
 * (EAGAIN, ESPIPE, the errno mapping) is the same for both ways of calling.
 */
export function nativeSystemError(code: number, syscall: string): Error {
  if (codeNames === undefined) {
    codeNames = new Map();
    for (const [name, value] of Object.entries(systemErrno())) if (!codeNames.has(value)) codeNames.set(value, name);
  }
  const name = codeNames.get(-code) ?? "EIO";
  return Object.assign(new Error(`${name}: ${syscall}`), { code: name, errno: code, syscall });
}
