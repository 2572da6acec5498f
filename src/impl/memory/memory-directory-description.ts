/**
 * A directory descriptor in a memory tree: the `Directory` path operations
 * (confined to this directory, see resolve.ts) and the `FileDescription`
 * operations on the directory itself. Each path_open of a directory makes a
 * new one, with its own listing snapshot; the directory it names is its root.
 *
 * The errnos are the ones the host directory gets from Linux for the same
 * calls (host-directory.ts hands the kernel a resolved path and passes its
 * errno on); where Linux has a rule of its own it is written out here with
 * the call it imitates. Two directories can rename and link between each
 * other when they belong to the same tree; any other pair is `xdev`.
 */
import type { Out } from "../../runtime/out.js";
import { lookupflags, oflags, type Errno, type Filestat, type Fstflags, type Lookupflags } from "../../generated/preview1/types.js";
import * as filetype from "../../generated/preview1/filetype.js";
import * as errno from "../../generated/preview1/errno.js";
import { BaseDescription, type Directory, type FileDescription, type OpenRequest } from "../description.js";
import { applyTimes, type MemoryEnvironment } from "./environment.js";
import { MemoryListing } from "./listing.js";
import { MemoryFile } from "./memory-file.js";
import { DirectoryNode, FileNode, MountNode, SymlinkNode, type Inode } from "./nodes.js";
import { resolve, type Found } from "./resolve.js";
import { symlinkTargetLeavesRoot } from "../symlink-target.js";

export class MemoryDirectoryDescription extends BaseDescription implements Directory {
  readonly filetype = filetype.directory;
  override readonly directory: Directory = this;
  private listing: MemoryListing | null = null;

  constructor(
    /** The directory this descriptor is on: the root of every path given to it. */
    readonly node: DirectoryNode,
    /** The preopen it was reached from: there `..` is the directory itself, as on the host. */
    private readonly preopenRoot: DirectoryNode,
    private readonly environment: MemoryEnvironment,
    /** For the embedder's own calls (MemoryDirectory), which fill read-only trees too. */
    private readonly ignoresReadOnly = false,
  ) {
    super();
  }

  private get readOnly(): boolean {
    return !this.ignoresReadOnly && this.node.tree.options.readOnly;
  }

  private find(path: string, follow: boolean, createThroughLink = false): Found | Errno {
    return resolve(this.node, path, follow, this.environment.limits, createThroughLink);
  }

  /** How many directories `directory`, found through this descriptor, lies below it. */
  private depthOf(directory: DirectoryNode): number {
    let depth = 0;
    for (let at: DirectoryNode | null = directory; at !== null && at !== this.node; at = at.parent) depth++;
    return depth;
  }

  /** The same tree's directory behind `other`, or null (a host directory, another tree). */
  private sameTree(other: Directory): MemoryDirectoryDescription | null {
    return other instanceof MemoryDirectoryDescription && other.node.tree === this.node.tree ? other : null;
  }

  // ---- Directory: path operations ----

  open(path: string, request: OpenRequest, result: Out<FileDescription>): Errno {
    const creating = (request.oflags & oflags.creat) !== 0;
    const exclusive = creating && (request.oflags & oflags.excl) !== 0;
    const wantsDirectory = (request.oflags & oflags.directory) !== 0;
    const truncating = (request.oflags & oflags.trunc) !== 0;
    // O_CREAT|O_EXCL never follows a final link (it is EEXIST even when dangling);
    // plain O_CREAT follows a dangling one and creates its target, as open(2) does.
    if (creating && path.endsWith("/")) {
      // open(2) refuses O_CREAT on a name ending in "/" once the directories before it are found.
      const before = this.find(path.replace(/\/+$/, "") || ".", false);
      return typeof before === "number" ? before : errno.isdir;
    }
    const found = this.find(path, request.followSymlinks && !exclusive, creating && !exclusive);
    if (typeof found === "number") return found;
    if (found.trailingSlash && creating) return errno.isdir;
    // Linux 6.4 and later: O_CREAT|O_DIRECTORY is EINVAL whatever the name is.
    if (creating && wantsDirectory) return errno.inval;
    const node = found.node;

    if (node === null) {
      if (!creating) return errno.noent;
      if (this.readOnly) return errno.rofs;
      if (found.parent.removed) return errno.noent;
      const now = this.environment.now();
      const file = new FileNode(this.node.tree, now);
      found.parent.attach(found.name!, file, now);
      result.value = new MemoryFile(file, request.read, request.write, this.environment);
      return errno.success;
    }
    if (exclusive) return errno.exist;
    if (node instanceof SymlinkNode) return wantsDirectory ? errno.notdir : errno.loop;
    if (node instanceof DirectoryNode) {
      // open(2) on a directory: O_CREAT and O_TRUNC are EISDIR; so is write access,
      // unless O_DIRECTORY asked for a directory (then, as on the host, it is opened read-only).
      if (creating || truncating || (!wantsDirectory && request.write)) return errno.isdir;
      result.value = new MemoryDirectoryDescription(node, this.preopenRoot, this.environment);
      return errno.success;
    }
    if (wantsDirectory) return errno.notdir;
    if (node instanceof MountNode) {
      const opened = node.file.open(request, { fill: (into) => node.fillStat(into) });
      if (typeof opened === "number") return opened;
      result.value = opened;
      return errno.success;
    }
    const file = node as FileNode;
    if (this.readOnly && (request.write || truncating)) return errno.rofs;
    if (truncating && file.byteLength > 0) {
      file.resize(0);
      const now = this.environment.now();
      file.mtim = now;
      file.ctim = now;
    }
    result.value = new MemoryFile(file, request.read, request.write || truncating, this.environment);
    return errno.success;
  }

  createDirectory(path: string): Errno {
    const found = this.find(path, false);
    if (typeof found === "number") return found;
    if (found.node !== null) return errno.exist;
    if (this.readOnly) return errno.rofs;
    if (found.parent.removed) return errno.noent;
    const now = this.environment.now();
    found.parent.attach(found.name!, new DirectoryNode(this.node.tree, now, found.parent), now);
    return errno.success;
  }

  removeDirectory(path: string): Errno {
    const found = this.find(path, false);
    // "." or ".." last is EINVAL, unless the ".." climbs above the root: that
    // is an escape (`notcapable`), as on a host directory.
    if (endsInDotComponent(path)) return found === errno.notcapable ? found : errno.inval;
    if (typeof found === "number") return found;
    if (found.name === null) return errno.busy;
    const node = found.node;
    if (node === null) return errno.noent;
    if (!(node instanceof DirectoryNode)) return errno.notdir;
    if (node.entries.size > 0) return errno.notempty;
    if (this.readOnly) return errno.rofs;
    found.parent.detach(found.name, this.environment.now());
    node.removed = true;
    // "." goes with the name.
    node.nlink = 0n;
    return errno.success;
  }

  unlinkFile(path: string): Errno {
    const found = this.find(path, false);
    if (typeof found === "number") return found;
    const node = found.node;
    if (node === null) return errno.noent;
    if (found.name === null || node instanceof DirectoryNode) return errno.isdir;
    if (this.readOnly) return errno.rofs;
    found.parent.detach(found.name, this.environment.now());
    if (node instanceof FileNode) node.releaseIfUnused();
    return errno.success;
  }

  /** rename(2)'s rules, in the order Linux checks them. */
  rename(oldPath: string, newDirectory: Directory, newPath: string): Errno {
    const target = this.sameTree(newDirectory);
    if (target === null) return errno.xdev;
    if (endsInDotComponent(oldPath) || endsInDotComponent(newPath)) return errno.inval;
    const from = this.find(oldPath, false);
    if (typeof from === "number") return from;
    if (from.node === null) return errno.noent;
    const to = target.find(newPath, false);
    if (typeof to === "number") return to;
    if (from.name === null || to.name === null) return errno.busy;
    const moving = from.node;
    const replaced = to.node;
    const movingDirectory = moving instanceof DirectoryNode;
    if (!movingDirectory && to.trailingSlash) return errno.notdir;
    if (replaced === moving) return errno.success;
    if (movingDirectory && moving.contains(to.parent)) return errno.inval;
    if (replaced !== null) {
      if (movingDirectory && !(replaced instanceof DirectoryNode)) return errno.notdir;
      if (!movingDirectory && replaced instanceof DirectoryNode) return errno.isdir;
      if (replaced instanceof DirectoryNode && replaced.entries.size > 0) return errno.notempty;
    }
    if (this.readOnly) return errno.rofs;
    if (to.parent.removed) return errno.noent;
    const now = this.environment.now();
    if (replaced !== null) {
      to.parent.detach(to.name, now);
      if (replaced instanceof DirectoryNode) {
        replaced.removed = true;
        replaced.nlink = 0n;
      } else if (replaced instanceof FileNode) {
        replaced.releaseIfUnused();
      }
    }
    from.parent.detach(from.name, now);
    to.parent.attach(to.name, moving, now);
    return errno.success;
  }

  link(oldPath: string, lookup: Lookupflags, newDirectory: Directory, newPath: string): Errno {
    const target = this.sameTree(newDirectory);
    if (target === null) return errno.xdev;
    const from = this.find(oldPath, (lookup & lookupflags.symlink_follow) !== 0);
    if (typeof from === "number") return from;
    const node = from.node;
    if (node === null) return errno.noent;
    const to = target.find(newPath, false);
    if (typeof to === "number") return to;
    if (to.node !== null) return errno.exist;
    // link(2) on a directory.
    if (node instanceof DirectoryNode) return errno.perm;
    if (this.readOnly) return errno.rofs;
    if (to.parent.removed) return errno.noent;
    to.parent.attach(to.name!, node, this.environment.now());
    return errno.success;
  }

  symlink(target: string, path: string): Errno {
    if (target.includes("\0")) return errno.inval;
    const found = this.find(path, false);
    if (typeof found === "number") return found;
    if (found.node !== null) return errno.exist;
    // symlink(2) on a missing name ending in "/" (there is no directory to make it in).
    if (found.trailingSlash) return errno.noent;
    // symlink(2) refuses an empty target.
    if (target.length === 0) return errno.noent;
    // The embedder may plant any link, as on a host directory; the guest may not.
    if (!this.ignoresReadOnly && symlinkTargetLeavesRoot(target, this.depthOf(found.parent))) return errno.notcapable;
    if (this.readOnly) return errno.rofs;
    if (found.parent.removed) return errno.noent;
    const now = this.environment.now();
    found.parent.attach(found.name!, new SymlinkNode(this.node.tree, now, target), now);
    return errno.success;
  }

  readlink(path: string, buffer: Uint8Array, result: Out<number>): Errno {
    const found = this.find(path, false);
    if (typeof found === "number") return found;
    const node = found.node;
    if (node === null) return errno.noent;
    if (!(node instanceof SymlinkNode)) return errno.inval;
    const length = Math.min(node.targetBytes.length, buffer.length);
    buffer.set(node.targetBytes.subarray(0, length));
    result.value = length;
    return errno.success;
  }

  statPath(path: string, lookup: Lookupflags, into: Filestat): Errno {
    const found = this.find(path, (lookup & lookupflags.symlink_follow) !== 0);
    if (typeof found === "number") return found;
    if (found.node === null) return errno.noent;
    found.node.fillStat(into);
    return errno.success;
  }

  setPathTimes(path: string, lookup: Lookupflags, atim: bigint, mtim: bigint, flags: Fstflags): Errno {
    const found = this.find(path, (lookup & lookupflags.symlink_follow) !== 0);
    if (typeof found === "number") return found;
    if (found.node === null) return errno.noent;
    return this.setNodeTimes(found.node, atim, mtim, flags);
  }

  private setNodeTimes(node: Inode, atim: bigint, mtim: bigint, flags: Fstflags): Errno {
    if (flags === 0) return errno.success;
    if (this.readOnly) return errno.rofs;
    applyTimes(node, atim, mtim, flags, this.environment.now());
    return errno.success;
  }

  // ---- FileDescription: operations on the directory itself ----

  override stat(into: Filestat): Errno {
    this.node.fillStat(into);
    return errno.success;
  }

  override setTimes(atim: bigint, mtim: bigint, flags: Fstflags): Errno {
    return this.setNodeTimes(this.node, atim, mtim, flags);
  }

  override sync(): Errno {
    return errno.success;
  }

  override datasync(): Errno {
    return errno.success;
  }

  override readdir(buffer: Uint8Array, cookie: bigint, result: Out<number>): Errno {
    if (cookie === 0n || this.listing === null) {
      // Inside the sandbox a preopen is a root, and a root is its own parent.
      const parent = this.node === this.preopenRoot ? this.node : (this.node.parent ?? this.node);
      this.listing = MemoryListing.of(this.node, parent.ino);
    }
    result.value = this.listing.copyFrom(cookie, buffer);
    return errno.success;
  }

  override close(): Errno {
    this.listing = null;
    return errno.success;
  }
}

/** POSIX refuses rmdir and rename of a path whose last component is "." or "..". */
function endsInDotComponent(path: string): boolean {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--;
  const start = path.lastIndexOf("/", end - 1) + 1;
  const last = path.slice(start, end);
  return last === "." || last === "..";
}
