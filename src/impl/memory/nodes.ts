/**
 * The objects of an in-memory file system: one `MemoryTree` (a device number,
 * an inode counter, a byte budget) and its inodes — directories, regular files
 * with growable byte storage, symbolic links, and mounted embedder files.
 *
 * Inodes carry what `stat` reports (ino, nlink, atim/mtim/ctim in ns); names
 * live only in directories, so a regular file can have several (hard links)
 * and lives on while an open description holds it after its last name went.
 * A directory has exactly one parent (no hard links to directories), which
 * rename uses to refuse moving a directory into itself.
 */
import type { Errno, Filestat, Filetype } from "../../generated/preview1/types.js";
import * as filetype from "../../generated/preview1/filetype.js";
import * as errno from "../../generated/preview1/errno.js";
import type { MountedFile } from "./mounted-file.js";

/** Trees get distinct device numbers, so (dev, ino) tells files of two trees apart. */
let nextDevice = 0x6d656d00n;

export interface TreeOptions {
  /** Refuse every change the guest asks for (`rofs`); mounted files decide for themselves. */
  readOnly: boolean;
  /** Bytes all regular files of the tree may hold together; a write past it is `nospc`. */
  maxBytes: number;
}

export class MemoryTree {
  readonly dev = nextDevice++;
  private nextIno = 1n;
  /** Bytes held by regular files (their sizes, not their capacity). */
  usedBytes = 0;

  constructor(readonly options: TreeOptions) {}

  allocateIno(): bigint {
    return this.nextIno++;
  }
}

export abstract class Inode {
  abstract readonly filetype: Filetype;
  readonly ino: bigint;
  nlink = 0n;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;

  constructor(
    readonly tree: MemoryTree,
    now: bigint,
  ) {
    this.ino = tree.allocateIno();
    this.atim = now;
    this.mtim = now;
    this.ctim = now;
  }

  abstract get size(): bigint;

  fillStat(into: Filestat): void {
    into.dev = this.tree.dev;
    into.ino = this.ino;
    into.filetype = this.filetype;
    into.nlink = this.nlink;
    into.size = this.size;
    into.atim = this.atim;
    into.mtim = this.mtim;
    into.ctim = this.ctim;
  }
}

export class DirectoryNode extends Inode {
  readonly filetype = filetype.directory;
  readonly entries = new Map<string, Inode>();
  /** Null for the tree's root (and for a removed directory). */
  parent: DirectoryNode | null;
  /** Set by rmdir: nothing can be created in it any more (Linux answers ENOENT). */
  removed = false;

  constructor(tree: MemoryTree, now: bigint, parent: DirectoryNode | null) {
    super(tree, now);
    this.parent = parent;
    // "." and the parent's entry; each subdirectory's ".." adds one.
    this.nlink = 2n;
  }

  /** What Linux file systems with real directories (ext4, tmpfs) report for a directory's size. */
  get size(): bigint {
    return 4096n;
  }

  /** Whether `node` is this directory or lies below it. */
  contains(node: DirectoryNode): boolean {
    for (let at: DirectoryNode | null = node; at !== null; at = at.parent) if (at === this) return true;
    return false;
  }

  /** Adds an entry, keeping nlink counts and parent links right. */
  attach(name: string, node: Inode, now: bigint): void {
    this.entries.set(name, node);
    node.nlink++;
    node.ctim = now;
    if (node instanceof DirectoryNode) {
      node.parent = this;
      this.nlink++;
    }
    this.mtim = now;
    this.ctim = now;
  }

  /** Takes an entry out; a file whose last name goes keeps its bytes until its descriptions close. */
  detach(name: string, now: bigint): Inode | undefined {
    const node = this.entries.get(name);
    if (node === undefined) return undefined;
    this.entries.delete(name);
    node.nlink--;
    node.ctim = now;
    if (node instanceof DirectoryNode) {
      node.parent = null;
      this.nlink--;
    }
    this.mtim = now;
    this.ctim = now;
    return node;
  }
}

/** Storage grows by doubling, so a file written in small pieces is copied O(log n) times. */
export class FileNode extends Inode {
  readonly filetype = filetype.regular_file;
  private bytes = new Uint8Array(0);
  private length = 0;
  /** Descriptions open on the file: its bytes stay while any is, even with no name left. */
  openCount = 0;

  get size(): bigint {
    return BigInt(this.length);
  }

  get byteLength(): number {
    return this.length;
  }

  /** The file's bytes (a view: valid until the next change of size). */
  get data(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** Sets the size, zero-filling any growth; `nospc` past the tree's budget. */
  resize(size: number): Errno {
    const growth = size - this.length;
    if (growth > 0 && this.tree.usedBytes + growth > this.tree.options.maxBytes) return errno.nospc;
    if (size > this.bytes.length) {
      const grown = new Uint8Array(Math.max(size, Math.min(this.bytes.length * 2, this.tree.options.maxBytes)));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    } else if (size < this.length) {
      // Bytes past the end must read back as zero if the file grows again.
      this.bytes.fill(0, size, this.length);
    }
    this.tree.usedBytes += growth;
    this.length = size;
    return errno.success;
  }

  /** Copies `source` to `offset`, growing the file as needed; returns the errno of growing. */
  writeAt(offset: number, source: Uint8Array): Errno {
    const end = offset + source.length;
    if (end > this.length) {
      const error = this.resize(end);
      if (error !== errno.success) return error;
    }
    this.bytes.set(source, offset);
    return errno.success;
  }

  /** Gives the bytes back to the tree's budget once the file has no name and no description. */
  releaseIfUnused(): void {
    if (this.nlink > 0n || this.openCount > 0) return;
    this.tree.usedBytes -= this.length;
    this.bytes = new Uint8Array(0);
    this.length = 0;
  }
}

export class SymlinkNode extends Inode {
  readonly filetype = filetype.symbolic_link;
  /** UTF-8 of the target, as path_readlink copies it out. */
  readonly targetBytes: Uint8Array;

  constructor(
    tree: MemoryTree,
    now: bigint,
    readonly target: string,
  ) {
    super(tree, now);
    this.targetBytes = new TextEncoder().encode(target);
  }

  /** POSIX: a symlink's size is the length of its target. */
  get size(): bigint {
    return BigInt(this.targetBytes.length);
  }
}

/** An embedder's file placed in the tree; it makes the description each open gets. */
export class MountNode extends Inode {
  constructor(
    tree: MemoryTree,
    now: bigint,
    readonly file: MountedFile,
  ) {
    super(tree, now);
  }

  get filetype(): Filetype {
    return this.file.filetype;
  }

  get size(): bigint {
    return this.file.size();
  }
}
