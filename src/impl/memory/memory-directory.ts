/**
 * `MemoryDirectory`: the embedder's handle on an in-memory directory tree.
 * Fill it before a run (`writeFile`, `mkdir`, `symlink`, `mount`), give it to
 * the WASI class (`mounts: { "/mem": directory }`) or to a host as a preopen
 * (`preopen(context)`), and read what the guest left (`readFile`, `list`).
 * One tree may be preopened by several hosts at once; they share its files.
 *
 * The embedder methods take "/"-separated paths relative to the tree's root
 * (a leading "/" is allowed and means the same), resolve them with the
 * guest's rules, ignore `readOnly` (that only binds the guest), and throw a
 * MemoryDirectoryError naming the call, the path and the errno when they
 * cannot be done; its `code` is the POSIX name ("ENOENT"), as in node:fs.
 */
import { errnoNames, lookupflags, oflags, type Errno } from "../../generated/preview1/types.js";
import * as filetype from "../../generated/preview1/filetype.js";
import * as errno from "../../generated/preview1/errno.js";
import type { Out } from "../../runtime/out.js";
import type { ClockSource } from "../context.js";
import { blankFilestat, type FileDescription } from "../description.js";
import { defaultHostLimits } from "../limits.js";
import { memoryEnvironment, standaloneEnvironment } from "./environment.js";
import { MemoryDirectoryDescription } from "./memory-directory-description.js";
import { planMounts } from "./mount-plan.js";
import { mountPlanner, type MountPlanner } from "./mount-planner.js";
import type { MountedFile } from "./mounted-file.js";
import { DirectoryNode, FileNode, MemoryTree, MountNode, SymlinkNode, type Inode } from "./nodes.js";
import { resolve, type Found, type ResolveLimits } from "./resolve.js";

export interface MemoryDirectoryOptions {
  /** The guest can read but change nothing (`rofs`). Default false. */
  readOnly?: boolean;
  /** Bytes all its regular files may hold together; past it writes fail with `nospc`. Default 1 GiB. */
  maxBytes?: number;
}

/** What a host hands a preopen: its clock (for timestamps) and its limits. */
export interface MemoryPreopenContext {
  readonly clock?: ClockSource;
  readonly limits?: ResolveLimits;
}

/** What `stat` tells about a path. */
export interface MemoryEntryStat {
  kind: "directory" | "file" | "symlink" | "mount";
  /** Bytes of a file, of a symlink's target text, of a mounted file; 0 for a directory. */
  size: number;
  /** Last modification, nanoseconds since the Unix epoch. */
  mtimeNs: bigint;
}

/** A tree given as `{ path: contents }`: a string or bytes is a file; a path ending in "/" with `null` is an (empty) directory. */
export type MemoryTreeObject = Record<string, string | Uint8Array | null>;

/** Why a MemoryDirectory call failed: `code` is the POSIX name ("ENOENT"), `errno` WASI's ("noent"). */
export class MemoryDirectoryError extends Error {
  readonly code: string;
  constructor(
    call: string,
    readonly path: string,
    readonly errno: string,
  ) {
    super(`MemoryDirectory.${call}(${JSON.stringify(path)}): ${errno}`);
    this.name = "MemoryDirectoryError";
    this.code = `E${errno.toUpperCase()}`;
  }
}

const defaultMaxBytes = 1 << 30;

export class MemoryDirectory {
  readonly #tree: MemoryTree;
  readonly #root: DirectoryNode;

  constructor(options: MemoryDirectoryOptions = {}) {
    const maxBytes = options.maxBytes ?? defaultMaxBytes;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
      throw new RangeError(`MemoryDirectory: maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
    this.#tree = new MemoryTree({ readOnly: options.readOnly === true, maxBytes });
    this.#root = new DirectoryNode(this.#tree, standaloneEnvironment.now(), null);
  }

  /** The rules of the `mounts` option, which the WASI class finds here (see mount-planner.ts). */
  get [mountPlanner](): MountPlanner {
    return planMounts;
  }

  get readOnly(): boolean {
    return this.#tree.options.readOnly;
  }

  /** A directory description on the tree's root, for a host's fd table; each call makes a new one. */
  preopen(context: MemoryPreopenContext = {}): FileDescription {
    const environment = memoryEnvironment(context.clock ?? null, context.limits ?? defaultHostLimits);
    return new MemoryDirectoryDescription(this.#root, this.#root, environment);
  }

  /**
   * A tree holding `files` (`{ "a/b.txt": "text", "empty/": null }`), directories
   * created as needed: the inverse of `toObject()`.
   */
  static fromObject(files: MemoryTreeObject, options: MemoryDirectoryOptions = {}): MemoryDirectory {
    const directory = new MemoryDirectory(options);
    for (const [path, content] of Object.entries(files)) {
      if (content === null) directory.mkdir(path);
      else directory.writeFile(path, content, { parents: true });
    }
    return directory;
  }

  /**
   * Every regular file's bytes by path ("a/b.txt"), and each empty directory as
   * "path/" → null; symbolic links and mounted files are left out.
   */
  toObject(): Record<string, Uint8Array | null> {
    const result: Record<string, Uint8Array | null> = {};
    const walk = (node: DirectoryNode, prefix: string) => {
      if (node.entries.size === 0 && prefix !== "") result[prefix] = null;
      for (const [name, child] of [...node.entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (child instanceof DirectoryNode) walk(child, `${prefix}${name}/`);
        else if (child instanceof FileNode) result[`${prefix}${name}`] = child.data.slice();
      }
    };
    walk(this.#root, "");
    return result;
  }

  /** Creates or replaces a regular file; the directories above it must exist unless `parents` is set. */
  writeFile(path: string, content: string | Uint8Array, options: { parents?: boolean } = {}): void {
    if (options.parents === true) {
      const parent = relative(path).split("/").slice(0, -1).join("/");
      if (parent !== "") this.mkdir(parent);
    }
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    const opened: Out<FileDescription> = { value: undefined as never };
    const request = { followSymlinks: true, oflags: oflags.creat | oflags.trunc, fdflags: 0, read: false, write: true };
    this.#check("writeFile", path, this.#unlocked().open(relative(path), request, opened));
    const file = opened.value;
    try {
      const written: Out<number> = { value: 0 };
      this.#check("writeFile", path, file.pwrite([bytes], 0n, written));
    } finally {
      file.close();
    }
  }

  /** The bytes of a regular file (symlinks followed). */
  readFile(path: string): Uint8Array {
    const node = this.#lookup("readFile", path, true);
    if (!(node instanceof FileNode)) this.#check("readFile", path, node instanceof DirectoryNode ? errno.isdir : errno.inval);
    return (node as FileNode).data.slice();
  }

  /** Creates a directory and any missing ones above it; an existing directory is fine. */
  mkdir(path: string): void {
    const parts = relative(path)
      .split("/")
      .filter((part) => part !== "" && part !== ".");
    const directory = this.#unlocked();
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join("/");
      const error = directory.createDirectory(prefix);
      if (error === errno.exist && this.#isDirectory(prefix)) continue;
      this.#check("mkdir", path, error);
    }
  }

  /** Creates a symbolic link at `path` holding `target` verbatim. */
  symlink(target: string, path: string): void {
    this.#check("symlink", path, this.#unlocked().symlink(target, relative(path)));
  }

  /** Places an embedder's file at `path` (directories above it are created); the name must be free. */
  mount(path: string, file: MountedFile): void {
    const parts = relative(path)
      .split("/")
      .filter((part) => part !== "" && part !== ".");
    if (parts.length === 0) this.#check("mount", path, errno.exist);
    if (parts.length > 1) this.mkdir(parts.slice(0, -1).join("/"));
    const found = resolve(this.#root, parts.join("/"), false, defaultHostLimits);
    if (typeof found === "number") this.#check("mount", path, found);
    const { parent, name, node } = found as Exclude<typeof found, Errno>;
    if (node !== null || name === null) this.#check("mount", path, errno.exist);
    const now = standaloneEnvironment.now();
    parent.attach(name!, new MountNode(this.#tree, now, file), now);
  }

  /** Removes a file, link or mounted file, or a directory: an empty one, or with everything in it when `recursive` is set. */
  remove(path: string, options: { recursive?: boolean } = {}): void {
    const directory = this.#unlocked();
    if (this.kindOf(path) !== "directory") {
      this.#check("remove", path, directory.unlinkFile(relative(path)));
      return;
    }
    if (options.recursive === true) {
      for (const name of this.list(path)) this.remove(`${relative(path)}/${name}`, options);
    }
    this.#check("remove", path, directory.removeDirectory(relative(path)));
  }

  /** Moves or renames `from` to `to` with the guest's rename rules (an existing file at `to` is replaced). */
  rename(from: string, to: string): void {
    const directory = this.#unlocked();
    this.#check("rename", from, directory.rename(relative(from), directory, relative(to)));
  }

  /** The kind, size and modification time of what `path` names (a final symlink is not followed). */
  stat(path: string): MemoryEntryStat {
    const stat = blankFilestat();
    this.#check("stat", path, this.#unlocked().statPath(relative(path), 0, stat));
    const kind = this.kindOf(path) as MemoryEntryStat["kind"];
    return { kind, size: kind === "directory" ? 0 : Number(stat.size), mtimeNs: stat.mtim };
  }

  /** The names in a directory, sorted, without "." and "..". */
  list(path = "."): string[] {
    const node = this.#lookup("list", path, true);
    if (!(node instanceof DirectoryNode)) this.#check("list", path, errno.notdir);
    return [...(node as DirectoryNode).entries.keys()].sort();
  }

  /** The kind of what `path` names without following a final link, or null when nothing is there. */
  kindOf(path: string): "directory" | "file" | "symlink" | "mount" | null {
    const found = resolve(this.#root, relative(path), false, defaultHostLimits);
    if (typeof found === "number" || found.node === null) return null;
    const node = found.node;
    if (node instanceof DirectoryNode) return "directory";
    if (node instanceof FileNode) return "file";
    if (node instanceof SymlinkNode) return "symlink";
    return "mount";
  }

  /** What `path` names; throws (naming `call`) when it cannot be resolved or names nothing. */
  #lookup(call: string, path: string, follow: boolean): Inode {
    const found = resolve(this.#root, relative(path), follow, defaultHostLimits);
    if (typeof found === "number") this.#check(call, path, found);
    const node = (found as Found).node;
    if (node === null) this.#check(call, path, errno.noent);
    return node!;
  }

  #isDirectory(path: string): boolean {
    const stat = blankFilestat();
    return this.#unlocked().statPath(path, lookupflags.symlink_follow, stat) === errno.success && stat.filetype === filetype.directory;
  }

  /** A description that ignores `readOnly`: the embedder fills read-only trees too. */
  #unlocked(): MemoryDirectoryDescription {
    return new MemoryDirectoryDescription(this.#root, this.#root, standaloneEnvironment, true);
  }

  #check(call: string, path: string, error: Errno): void {
    if (error !== errno.success) throw new MemoryDirectoryError(call, path, errnoNames[error]);
  }
}

/** Embedder paths may start with "/": the tree's root. */
function relative(path: string): string {
  const trimmed = path.replace(/^\/+/, "");
  return trimmed === "" ? "." : trimmed;
}
