/**
 * A directory descriptor on the host: a host fd on the directory, which paths
 * below it are resolved from.
 *
 * Node has no openat(), so paths below a directory are host paths built by a
 * confined resolver from checked components, unless the openat2 addon is
 * there. Which one:
 * - On Linux with the addon (native-beneath.ts): the path is handed to the
 *   kernel whole, from this fd, with RESOLVE_BENEATH; each operation below
 *   tries it first and takes the resolver only for the paths the addon
 *   leaves undecided (a trailing "/", a last "." or "..", ...).
 * - On Linux (/proc/self/fd), every directory descriptor, preopens included,
 *   is a handle: paths are resolved by anchored-resolver.ts one component at
 *   a time through `/proc/self/fd/<fd>/<name>`, starting from this fd. The
 *   kernel resolves those through the open descriptors, so the descriptor
 *   keeps meaning the directory it was opened on after anyone renames it (or
 *   one above it) or puts a symlink in its place, like an openat() base. This
 *   is what keeps a preopen nested in another one (`--dir . --dir ./data`)
 *   from being redirected by a guest that renames `data` through the outer one.
 * - Elsewhere: its canonical host path, walked by resolver.ts, with its
 *   (dev, ino) checked before each resolution: a root that changed, a renamed
 *   preopen included, is refused (`notcapable`).
 *
 * Every operation resolves without following a final symlink unless the guest
 * asked for it, then hands the kernel the resolved path, with the trailing "/"
 * restored when the guest wrote one, so the kernel's own rules (EISDIR,
 * ENOTDIR, EEXIST on a dangling link, ...) give the errno.
 *
 * Symbolic links are created with the target the guest gave, unless it is
 * absolute or climbs above the root (symlink-target.ts): those are refused at
 * creation, and the resolver would refuse to follow them anyway.
 */
import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  type BigIntStats,
} from "node:fs";
import type { Out } from "../../runtime/out.js";
import {
  errno,
  fdflags,
  filetype,
  lookupflags,
  oflags,
  type Errno,
  type Filestat,
  type Fstflags,
  type Lookupflags,
} from "../../generated/preview1/types.js";
import { BaseDescription, type Directory, type FileDescription, type OpenRequest } from "../description.js";
import { DirectoryListing, listingSlots } from "./directory-listing.js";
import type { DirectoryStamp } from "./listing-cache.js";
import type { NodeFsEnvironment } from "./environment.js";
import { datasyncHostFd, setHostFdTimes, statHostFd, syncHostFd } from "./fd-operations.js";
import { codeOf, errnoOf } from "./errno-of.js";
import { HostFile } from "./host-file.js";
import { procPath, resolveBeneathHandle, resolveParentBeneathHandle } from "./anchored-resolver.js";
import type { HandleRoot } from "./directory-handles.js";
import {
  nativeErrno,
  nativeSystemError,
  slotIno,
  slotMtime,
  slotNotAscii,
  slotParent,
  undecided,
  type KeptDirectories,
  type NativeBeneath,
} from "./native-beneath.js";
import { openBeneath, type Confinement } from "./open-beneath.js";
import { isPlainName, isSymlinkRefusal } from "./plain-name.js";
import { exceedsUtf8Bytes, resolveParent, resolvePath, type FileIdentity, type Resolved, type ResolveOptions } from "./resolver.js";
import { symlinkTargetLeavesRoot } from "../symlink-target.js";
import { NativeStatBuffer, fillFilestat } from "./stats.js";
import { systemErrno } from "./system-errno.js";
import { timesToSet } from "./times.js";

// openBeneath adds O_NOFOLLOW itself; the plain-name path adds it here.
const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, O_NONBLOCK, O_NOFOLLOW } = constants;
// Missing on some platforms; 0 leaves the flag out there.
const O_SYNC = constants.O_SYNC ?? 0;
const O_DSYNC = constants.O_DSYNC ?? 0;
/** Linux defines O_RSYNC as O_SYNC; Node does not export it. */
const O_RSYNC = (constants as { O_RSYNC?: number }).O_RSYNC ?? O_SYNC;

/** Where the addon writes stat results (one call at a time per thread). */
const nativeStat = new NativeStatBuffer();
/** Where the addon writes a link's target: PATH_MAX holds any. */
const nativeLinkTarget = Buffer.alloc(4096);
/** nativeStat's values as u32 words: a directory's stamp without BigInts. */
const nativeStatWords = new Uint32Array(nativeStat.values.buffer);
/** The stamp of the directory being listed, then what the addon's list reads (one listing at a time per thread). */
const slots = listingSlots();
/** The stamp's u64s as BigInts, for the JavaScript listing. */
const slotValues = new BigUint64Array(slots.buffer, 0, slotNotAscii / 2);

/** A directory's dev and ino as the u32 words of two BigUint64Array elements (as stamps hold them). */
type DirectoryIdentity = Uint32Array;

export class HostDirectory extends BaseDescription implements Directory {
  readonly filetype = filetype.directory;
  override readonly directory: Directory = this;
  private listing: DirectoryListing | null = null;
  /** The inode of `..` as two u32 words, once known (see parentInode). */
  private parentIno: Uint32Array | null = null;
  private readonly following: ResolveOptions;
  private readonly notFollowing: ResolveOptions;
  private readonly rootPrefix: string;
  /** Whether plain names may skip the resolver (see plain-name.ts). */
  private readonly plainNamesAllowed: boolean;
  /**
   * Linux: the handle paths are resolved beneath (this fd), made on the first
   * resolution (with the addon most paths never need one); null until then,
   * and when paths resolve from `root`.
   */
  private handleRoot: HandleRoot | null = null;
  private readonly confinement: Confinement;
  /** The openat2 addon, with a handle root: see the module comment. */
  private readonly native: NativeBeneath | null;
  /** The addon's kept directories, shared by the host's descriptors (see native-beneath.ts). */
  private readonly kept: KeptDirectories | null;

  private constructor(
    /** The host fd on the directory; owned. */
    readonly fd: number,
    /** What paths are resolved from: see the module comment. */
    readonly root: string,
    /** dev/ino of the directory; null until first listed (found with fstat on the fd). */
    private knownIdentity: DirectoryIdentity | null,
    /** The preopen this directory was reached from (itself for a preopen): the root of the guest's view. */
    private readonly sandboxRoot: DirectoryIdentity,
    private readonly environment: NodeFsEnvironment,
    expectedRoot: FileIdentity | undefined,
  ) {
    super();
    const { maxPathBytes, maxSymlinkHops } = environment.limits;
    this.following = { followFinalSymlink: true, maxPathBytes, maxSymlinkHops, expectedRoot };
    this.notFollowing = { followFinalSymlink: false, maxPathBytes, maxSymlinkHops, expectedRoot };
    this.rootPrefix = root.endsWith("/") ? root : `${root}/`;
    // With an identity to check, every path goes through the resolver, which checks it.
    this.plainNamesAllowed = expectedRoot === undefined;
    const handles = environment.handles;
    if (expectedRoot === undefined) {
      this.native = environment.native;
      this.kept = this.native === null ? null : environment.kept;
      // A fd number closed elsewhere and reused for this directory must not find what was kept beneath the old one.
      if (this.kept !== null) this.native?.keptForget(this.kept, fd);
      this.confinement = {
        parent: (path, options) => resolveParentBeneathHandle(handles, this.anchor(), path, options),
        full: (path, options) => resolveBeneathHandle(handles, this.anchor(), path, options),
      };
    } else {
      this.native = null;
      this.kept = null;
      this.confinement = {
        parent: (path, options) => resolveParent(root, path, options),
        full: (path, options) => resolvePath(root, path, options),
      };
    }
  }

  /** Wraps an open host fd on a preopened directory; `hostPath` is its canonical host path. */
  static preopen(fd: number, hostPath: string, stats: BigIntStats, environment: NodeFsEnvironment): HostDirectory {
    const identity = identityWords(stats);
    if (environment.procFdRoots) return new HostDirectory(fd, procRoot(fd), identity, identity, environment, undefined);
    // A preopen inside another one can be renamed by the guest: its path is checked like any other root's.
    return new HostDirectory(fd, hostPath, identity, identity, environment, identityOf(stats));
  }

  /**
   * Wraps an open host fd on a directory opened through this one. With
   * /proc/self/fd roots nothing about it is needed yet; otherwise its identity
   * is the resolver's check that the path still leads to it, so `stats` are
   * taken now when not given.
   */
  private child(fd: number, hostPath: string, stats: BigIntStats | null, isEntryOfThis: boolean): HostDirectory {
    let child: HostDirectory;
    if (this.environment.procFdRoots) {
      const known = stats === null ? null : identityWords(stats);
      child = new HostDirectory(fd, procRoot(fd), known, this.sandboxRoot, this.environment, undefined);
    } else {
      const known = stats ?? fstatSync(fd, { bigint: true });
      child = new HostDirectory(fd, hostPath, identityWords(known), this.sandboxRoot, this.environment, identityOf(known));
    }
    // Only when already known: finding it out now would cost a system call on every open.
    if (isEntryOfThis && this.knownIdentity !== null) child.parentIno = this.knownIdentity.subarray(2);
    return child;
  }

  private anchor(): HandleRoot {
    if (this.handleRoot === null) this.handleRoot = this.environment.handles.newRoot(this.fd);
    return this.handleRoot;
  }

  /**
   * The addon, for a path it may be given: one within the host's path limit
   * (beyond it the resolver answers `nametoolong`, as it always did).
   */
  private nativeFor(path: string): NativeBeneath | null {
    const native = this.native;
    if (native === null || exceedsUtf8Bytes(path, this.environment.limits.maxPathBytes)) return null;
    return native;
  }

  private resolve(path: string, follow: boolean): Resolved | Errno {
    const resolved = this.confinement.full(path, follow ? this.following : this.notFollowing);
    return resolved.ok ? resolved : errno[resolved.errno];
  }

  // ---- Directory: path operations ----

  /**
   * A plain name is opened directly below the root, anything else through
   * openBeneath (the components before the last are checked); either way the
   * last component is opened with O_NOFOLLOW, so the kernel refuses a symlink
   * there atomically, and only a link that is to be followed takes the full
   * resolution. There is nothing to compare afterwards: no lstat came before
   * the open, the kernel opened whatever the checked name held at that moment.
   *
   * The open is the only system call when the kind of the result is certain or
   * can wait: `oflags.directory` makes the kernel check it is a directory,
   * `creat|excl` that a regular file was just made; anything else is a
   * HostFile that finds its kind out when first asked (see host-file.ts).
   */
  open(path: string, request: OpenRequest, result: Out<FileDescription>): Errno {
    try {
      return this.openHere(path, request, result);
    } finally {
      this.environment.handles.release();
    }
  }

  private openHere(path: string, request: OpenRequest, result: Out<FileDescription>): Errno {
    // Opening a missing file is common (search paths) and Node reports it by
    // throwing; most of that cost is capturing a stack trace nobody reads.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    const flags = openFlags(request);
    let fd = -1;
    let hostPath = "";
    // Opened as an entry of this directory (no symlink in between): this is its parent.
    let isEntryOfThis = false;
    try {
      const native = this.nativeFor(path);
      if (native !== null) {
        // A plain name as below: opened without following first, so that an
        // entry of this directory is known as one.
        if (isPlainName(path, this.environment.limits.maxPathBytes)) {
          fd = native.open(this.fd, path, flags | O_NOFOLLOW, 0o666, null);
          if (fd >= 0) isEntryOfThis = true;
          else if (request.followSymlinks && isSymlinkRefusalNumber(fd)) fd = native.open(this.fd, path, flags, 0o666, null);
        } else {
          fd = native.open(this.fd, path, request.followSymlinks ? flags : flags | O_NOFOLLOW, 0o666, this.kept);
        }
        if (fd >= 0) hostPath = this.rootPrefix + path;
        else if (fd === undecided) fd = -1;
        else return nativeErrno(fd);
      }
      if (fd < 0 && this.plainNamesAllowed && isPlainName(path, this.environment.limits.maxPathBytes)) {
        hostPath = this.rootPrefix + path;
        try {
          fd = openSync(hostPath, flags | O_NOFOLLOW, 0o666);
          isEntryOfThis = true;
        } catch (error) {
          // A symlink to follow takes the full resolution below.
          if (!request.followSymlinks || !isSymlinkRefusal(codeOf(error))) return errnoOf(error);
        }
      }
      if (fd < 0) {
        const opened = openBeneath(this.confinement, path, flags, 0o666, request.followSymlinks ? this.following : this.notFollowing);
        if (!opened.ok) return errno[opened.errno];
        fd = opened.fd;
        hostPath = opened.hostPath;
      }
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    try {
      if ((request.oflags & oflags.directory) !== 0) {
        result.value = this.child(fd, hostPath, null, isEntryOfThis);
      } else if ((request.oflags & createdFlags) === createdFlags) {
        result.value = new HostFile(fd, filetype.regular_file, this.environment);
      } else {
        result.value = new HostFile(fd, null, this.environment, (adopted, stats) => this.child(adopted, hostPath, stats, isEntryOfThis));
      }
      return errno.success;
    } catch (error) {
      closeQuietly(fd);
      return errnoOf(error);
    }
  }

  createDirectory(path: string): Errno {
    try {
      return this.createDirectoryHere(path);
    } finally {
      this.environment.handles.release();
    }
  }

  private createDirectoryHere(path: string): Errno {
    const native = this.nativeFor(path);
    if (native !== null) {
      const status = native.mkdir(this.fd, path, this.kept);
      if (status !== undecided) return status < 0 ? nativeErrno(status) : errno.success;
    }
    const resolved = this.resolve(path, false);
    if (typeof resolved === "number") return resolved;
    if (resolved.finalStat !== null) return errno.exist;
    if (isDanglingLinkTarget(resolved)) return errno.noent;
    try {
      mkdirSync(kernelPath(resolved), 0o777);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  removeDirectory(path: string): Errno {
    try {
      return this.removeDirectoryHere(path);
    } finally {
      this.environment.handles.release();
    }
  }

  private removeDirectoryHere(path: string): Errno {
    const native = this.nativeFor(path);
    if (native !== null) {
      const status = native.unlink(this.fd, path, true, this.kept);
      if (status !== undecided) return status < 0 ? nativeErrno(status) : errno.success;
    }
    const resolved = this.resolve(path, false);
    // POSIX refuses a last component of "." or ".." with EINVAL, but a ".."
    // that climbs above the root is an escape first: `notcapable`, as
    // path_unlink_file answers. Any other failure of such a path stays EINVAL.
    if (endsInDotComponent(path)) return resolved === errno.notcapable ? resolved : errno.inval;
    if (typeof resolved === "number") return resolved;
    if (resolved.components.length === 0) return errno.busy;
    if (resolved.finalStat === null) return errno.noent;
    try {
      rmdirSync(kernelPath(resolved));
      // Not needed for correctness (a kept handle is checked before use), but its fd is free now.
      if (this.handleRoot !== null) this.environment.handles.forget(this.handleRoot, resolved.components.join("/"));
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  unlinkFile(path: string): Errno {
    try {
      return this.unlinkFileHere(path);
    } finally {
      this.environment.handles.release();
    }
  }

  private unlinkFileHere(path: string): Errno {
    const native = this.nativeFor(path);
    if (native !== null) {
      const status = native.unlink(this.fd, path, false, this.kept);
      if (status !== undecided) return status < 0 ? nativeErrno(status) : errno.success;
    }
    const resolved = this.resolve(path, false);
    if (typeof resolved === "number") return resolved;
    if (resolved.finalStat === null) return errno.noent;
    if (resolved.components.length === 0) return errno.isdir;
    try {
      unlinkSync(kernelPath(resolved));
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  rename(oldPath: string, newDirectory: Directory, newPath: string): Errno {
    try {
      return this.renameHere(oldPath, newDirectory, newPath);
    } finally {
      this.environment.handles.release();
    }
  }

  private renameHere(oldPath: string, newDirectory: Directory, newPath: string): Errno {
    if (!(newDirectory instanceof HostDirectory)) return errno.xdev;
    if (endsInDotComponent(oldPath) || endsInDotComponent(newPath)) return errno.inval;
    const native = this.nativeFor(oldPath);
    if (native !== null && newDirectory.nativeFor(newPath) !== null) {
      const status = native.rename(this.fd, oldPath, newDirectory.fd, newPath);
      if (status !== undecided) {
        if (status < 0) return nativeErrno(status);
        this.environment.handles.renames++;
        return errno.success;
      }
    }
    const from = this.resolve(oldPath, false);
    if (typeof from === "number") return from;
    if (from.finalStat === null) return errno.noent;
    const to = newDirectory.resolve(newPath, false);
    if (typeof to === "number") return to;
    if (isDanglingLinkTarget(to)) return errno.noent;
    if (from.components.length === 0 || to.components.length === 0) return errno.busy;
    try {
      renameSync(kernelPath(from), kernelPath(to));
      // A root may have moved (one nested in another preopen): roots read their paths again.
      this.environment.handles.renames++;
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  link(oldPath: string, lookup: Lookupflags, newDirectory: Directory, newPath: string): Errno {
    try {
      return this.linkHere(oldPath, lookup, newDirectory, newPath);
    } finally {
      this.environment.handles.release();
    }
  }

  private linkHere(oldPath: string, lookup: Lookupflags, newDirectory: Directory, newPath: string): Errno {
    if (!(newDirectory instanceof HostDirectory)) return errno.xdev;
    const follow = (lookup & lookupflags.symlink_follow) !== 0;
    const native = this.nativeFor(oldPath);
    if (native !== null && newDirectory.nativeFor(newPath) !== null) {
      const status = native.link(this.fd, oldPath, newDirectory.fd, newPath, follow);
      if (status !== undecided) return status < 0 ? nativeErrno(status) : errno.success;
    }
    const from = this.resolve(oldPath, follow);
    if (typeof from === "number") return from;
    if (from.finalStat === null) return errno.noent;
    const to = newDirectory.resolve(newPath, false);
    if (typeof to === "number") return to;
    if (to.finalStat !== null) return errno.exist;
    if (isDanglingLinkTarget(to)) return errno.noent;
    try {
      linkSync(kernelPath(from), kernelPath(to));
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  symlink(target: string, path: string): Errno {
    try {
      return this.symlinkHere(target, path);
    } finally {
      this.environment.handles.release();
    }
  }

  private symlinkHere(target: string, path: string): Errno {
    if (target.includes("\0")) return errno.inval;
    const native = this.nativeFor(path);
    // A target that cannot climb out from the root cannot from any depth below it: the check below has nothing to refuse.
    if (native !== null && !symlinkTargetLeavesRoot(target, 0)) {
      const status = native.symlink(target, this.fd, path, this.kept);
      if (status !== undecided) return status < 0 ? nativeErrno(status) : errno.success;
    }
    const resolved = this.resolve(path, false);
    if (typeof resolved === "number") return resolved;
    if (resolved.finalStat !== null) return errno.exist;
    if (isDanglingLinkTarget(resolved)) return errno.noent;
    if (symlinkTargetLeavesRoot(target, resolved.components.length - 1)) return errno.notcapable;
    try {
      symlinkSync(target, kernelPath(resolved));
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  readlink(path: string, buffer: Uint8Array, result: Out<number>): Errno {
    try {
      return this.readlinkHere(path, buffer, result);
    } finally {
      this.environment.handles.release();
    }
  }

  private readlinkHere(path: string, buffer: Uint8Array, result: Out<number>): Errno {
    const native = this.nativeFor(path);
    if (native !== null) {
      const length = native.readlink(this.fd, path, nativeLinkTarget, this.kept);
      if (length !== undecided) {
        if (length < 0) return nativeErrno(length);
        const copied = Math.min(length, buffer.length);
        buffer.set(nativeLinkTarget.subarray(0, copied));
        result.value = copied;
        return errno.success;
      }
    }
    const resolved = this.resolve(path, false);
    if (typeof resolved === "number") return resolved;
    if (resolved.finalStat === null) return errno.noent;
    try {
      const target = readlinkSync(kernelPath(resolved), { encoding: "buffer" });
      const length = Math.min(target.length, buffer.length);
      buffer.set(target.subarray(0, length));
      result.value = length;
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  statPath(path: string, lookup: Lookupflags, into: Filestat): Errno {
    try {
      return this.statPathHere(path, lookup, into);
    } finally {
      this.environment.handles.release();
    }
  }

  private statPathHere(path: string, lookup: Lookupflags, into: Filestat): Errno {
    const follow = (lookup & lookupflags.symlink_follow) !== 0;
    const native = this.nativeFor(path);
    if (native !== null) {
      const status = native.stat(this.fd, path, follow, nativeStat.values.buffer as ArrayBuffer, this.kept);
      if (status !== undecided) {
        if (status < 0) return nativeErrno(status);
        nativeStat.fill(into);
        return errno.success;
      }
    }
    if (this.plainNamesAllowed && isPlainName(path, this.environment.limits.maxPathBytes)) {
      let stats: BigIntStats | undefined;
      try {
        stats = lstatSync(this.rootPrefix + path, { bigint: true, throwIfNoEntry: false });
      } catch (error) {
        return errnoOf(error);
      }
      if (stats === undefined) return errno.noent;
      if (!follow || !stats.isSymbolicLink()) {
        fillFilestat(into, stats);
        return errno.success;
      }
    }
    const resolved = this.resolve(path, follow);
    if (typeof resolved === "number") return resolved;
    if (resolved.finalStat === null) return errno.noent;
    fillFilestat(into, resolved.finalStat);
    return errno.success;
  }

  setPathTimes(path: string, lookup: Lookupflags, atim: bigint, mtim: bigint, flags: Fstflags): Errno {
    try {
      return this.setPathTimesHere(path, lookup, atim, mtim, flags);
    } finally {
      this.environment.handles.release();
    }
  }

  private setPathTimesHere(path: string, lookup: Lookupflags, atim: bigint, mtim: bigint, flags: Fstflags): Errno {
    const resolved = this.resolve(path, (lookup & lookupflags.symlink_follow) !== 0);
    if (typeof resolved === "number") return resolved;
    const current = resolved.finalStat;
    if (current === null) return errno.noent;
    if (flags === 0) return errno.success;
    try {
      const [atime, mtime] = timesToSet(
        atim,
        mtim,
        flags,
        () => current,
        () => this.environment.realtimeNow(),
      );
      // The path is resolved already (a link to follow was expanded, and a
      // trailing "/" checked for a directory), so never follow again: without
      // the "/", which would make the kernel follow a link swapped in since.
      lutimesSync(resolved.hostPath, atime, mtime);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }

  // ---- FileDescription: operations on the directory itself ----

  override stat(into: Filestat): Errno {
    return statHostFd(this.fd, into);
  }

  override setTimes(atim: bigint, mtim: bigint, flags: Fstflags): Errno {
    return setHostFdTimes(this.fd, atim, mtim, flags, this.environment.realtimeNow);
  }

  override sync(): Errno {
    return syncHostFd(this.fd);
  }

  override datasync(): Errno {
    return datasyncHostFd(this.fd);
  }

  override readdir(buffer: Uint8Array, cookie: bigint, result: Out<number>): Errno {
    if (cookie === 0n || this.listing === null) {
      try {
        this.listing = this.readListing();
      } catch (error) {
        return errnoOf(error);
      }
    }
    result.value = this.listing.copyFrom(cookie, buffer);
    return errno.success;
  }

  /** A snapshot of the directory: the cache's while still valid (listing-cache.ts), else read now. */
  private readListing(): DirectoryListing {
    const native = this.native;
    // Taken before the directory is read: see listing-cache.ts.
    const stamp = this.stamp(native);
    const cache = this.environment.listings;
    let listing = cache.lookup(stamp);
    if (listing === null) {
      const takenAt = Date.now();
      listing =
        native === null
          ? DirectoryListing.read(this.root, slotValues[slotIno / 2], slotValues[slotParent / 2])
          : (DirectoryListing.fromAddon(native, this.fd, stamp) ??
            DirectoryListing.read(this.root, slotValues[slotIno / 2], slotValues[slotParent / 2], (name) =>
              nativeInodeOf(native, this.fd, name),
            ));
      cache.store(stamp, listing, takenAt);
    }
    return listing;
  }

  /**
   * The directory's stamp in `slots` (listing-cache.ts): its fstat, the
   * addon's or node:fs's, in nativeStat (dev, ino, mtime and ctime are values
   * 0, 1, 6 and 7), copied as u32 words, and the inode of `..`.
   */
  private stamp(native: NativeBeneath | null): DirectoryStamp {
    const values = nativeStat.values;
    if (native === null) {
      const stats = fstatSync(this.fd, { bigint: true });
      values[0] = stats.dev;
      values[1] = stats.ino;
      values[6] = stats.mtimeNs;
      values[7] = stats.ctimeNs;
    } else {
      const status = native.statFd(this.fd, values, false);
      if (status !== 0) throw nativeSystemError(status, "fstat");
    }
    const words = nativeStatWords;
    for (let i = 0; i < 4; i++) {
      slots[i] = words[i];
      slots[slotMtime + i] = words[12 + i];
    }
    this.knownIdentity ??= slots.slice(0, 4);
    const parent = this.parentInode(native);
    slots[slotParent] = parent[0];
    slots[slotParent + 1] = parent[1];
    return slots;
  }

  /**
   * The inode `..` is listed with. Inside the sandbox a preopen is a root, and
   * a root is its own parent; a directory opened by a plain name from another
   * one whose inode was known has that one as parent; otherwise the host is
   * asked, once.
   */
  private parentInode(native: NativeBeneath | null): Uint32Array {
    const root = this.sandboxRoot;
    if (slots[0] === root[0] && slots[1] === root[1] && slots[2] === root[2] && slots[3] === root[3]) return root.subarray(2);
    this.parentIno ??=
      native === null
        ? new Uint32Array(
            new BigUint64Array([lstatSync(`${this.rootPrefix}..`, { bigint: true, throwIfNoEntry: false })?.ino ?? 0n]).buffer,
          )
        : nativeParentInode(native, this.fd);
    return this.parentIno;
  }

  override close(): Errno {
    this.listing = null;
    if (this.handleRoot !== null) this.environment.handles.forgetRoot(this.handleRoot);
    const native = this.native;
    if (native !== null) {
      // One call, which also forgets what the addon kept beneath this fd (node:fs's closeSync costs several times more).
      const status = native.close(this.fd, this.kept);
      return status < 0 ? nativeErrno(status) : errno.success;
    }
    try {
      closeSync(this.fd);
      return errno.success;
    } catch (error) {
      return errnoOf(error);
    }
  }
}

/**
 * The inode of `..` by the addon, as two u32 words: one fstatat(fd, ".."),
 * not a walk of /proc/self/fd/<fd>/.. (several µs); 0 when gone, as lstatSync
 * of `<directory>/..` with throwIfNoEntry false answers.
 */
function nativeParentInode(native: NativeBeneath, dirFd: number): Uint32Array {
  const status = native.statFd(dirFd, nativeStat.values, true);
  if (status === 0) return nativeStatWords.slice(2, 4);
  if (status === -systemErrno().ENOENT) return new Uint32Array(2);
  throw nativeSystemError(status, "lstat");
}

/** An entry's inode by the addon: one fstatat on the directory fd (a listed name has no "/"); 0 when it is gone. */
function nativeInodeOf(native: NativeBeneath, dirFd: number, name: string): bigint {
  return native.stat(dirFd, name, false, nativeStat.values.buffer as ArrayBuffer, null) === 0 ? nativeStat.values[1] : 0n;
}

let symlinkRefusalNumbers: Set<number> | undefined;

/** The addon's answer for an O_NOFOLLOW open that met a symlink (plain-name.ts lists the codes). */
function isSymlinkRefusalNumber(code: number): boolean {
  if (symlinkRefusalNumbers === undefined) {
    const { ELOOP, EMLINK, ENOTDIR } = systemErrno();
    symlinkRefusalNumbers = new Set([ELOOP, EMLINK, ENOTDIR].map((value) => -value));
  }
  return symlinkRefusalNumbers.has(code);
}

/** creat|excl succeeded: the open made a new regular file. */
const createdFlags = oflags.creat | oflags.excl;

function identityOf(stats: Pick<BigIntStats, "dev" | "ino">): FileIdentity {
  return { dev: stats.dev, ino: stats.ino };
}

function identityWords(stats: Pick<BigIntStats, "dev" | "ino">): DirectoryIdentity {
  return new Uint32Array(new BigUint64Array([stats.dev, stats.ino]).buffer);
}

/** The path the kernel resolves through the open fd itself; "/." makes it name the directory, not the link. */
function procRoot(fd: number): string {
  return `${procPath(fd)}/.`;
}

function openFlags(request: OpenRequest): number {
  const truncating = (request.oflags & oflags.trunc) !== 0;
  // A directory is never opened for writing: asking for `directory` with write
  // rights opens it anyway (the rights of a directory hold no data rights).
  // O_TRUNC needs a writable open to be defined, whatever the rights allow afterwards.
  const writing = (request.oflags & oflags.directory) === 0 && (request.write || truncating);
  let flags = writing ? (request.read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if ((request.oflags & oflags.creat) !== 0) flags |= O_CREAT;
  if ((request.oflags & oflags.excl) !== 0) flags |= O_EXCL;
  if (truncating) flags |= O_TRUNC;
  if ((request.oflags & oflags.directory) !== 0) flags |= O_DIRECTORY;
  // Append is emulated (host-file.ts); the others change how the host file behaves.
  if ((request.fdflags & fdflags.nonblock) !== 0) flags |= O_NONBLOCK;
  if ((request.fdflags & fdflags.dsync) !== 0) flags |= O_DSYNC;
  if ((request.fdflags & fdflags.sync) !== 0) flags |= O_SYNC;
  if ((request.fdflags & fdflags.rsync) !== 0) flags |= O_RSYNC;
  return flags;
}

/** The resolved path as the kernel should see it: with the guest's trailing "/" put back. */
function kernelPath(resolved: Resolved): string {
  return resolved.trailingSlash ? `${resolved.hostPath}/` : resolved.hostPath;
}

/**
 * The missing target of a dangling link the path ended in (only with a
 * trailing "/" for these non-following calls). open with O_CREAT creates such
 * a target; mkdir, symlink, link and rename never create through a link, and
 * answer `noent` as the in-memory tree does.
 */
function isDanglingLinkTarget(resolved: Resolved): boolean {
  return resolved.finalStat === null && resolved.finalFromLink;
}

/** POSIX refuses rmdir and rename of a path whose last component is "." or "..". */
function endsInDotComponent(path: string): boolean {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--;
  const start = path.lastIndexOf("/", end - 1) + 1;
  const last = path.slice(start, end);
  return last === "." || last === "..";
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing useful to report: the open itself is what failed.
  }
}
