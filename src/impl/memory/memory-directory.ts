/**
 * `MemoryDirectory`: the embedder's handle on an in-memory directory tree.
 * Fill it before a run (`writeFile`, `mkdir`, `symlink`, `mount`), give it to
 * the WASI class (`mounts: { "/mem": directory }`) or to a host as a preopen
 * (`preopen(context)`), and read what the guest left (`readFile`, `list`).
 * One tree may be preopened by several hosts at once; they share its files.
 *
 * The embedder methods take "/"-separated paths relative to the tree's root
 * (a leading "/" is allowed and means the same), resolve them with the
 * guest's rules, ignore `readOnly` (that only binds the guest), and throw an
 * Error naming the call, the path and the errno when they cannot be done.
 */
import { errno, errnoNames, filetype, lookupflags, oflags, type Errno } from "../../generated/preview1/types.js";
import type { Out } from "../../runtime/out.js";
import type { ClockSource } from "../context.js";
import { blankFilestat, type FileDescription } from "../description.js";
import { defaultHostLimits } from "../limits.js";
import { memoryEnvironment, standaloneEnvironment } from "./environment.js";
import { MemoryDirectoryDescription } from "./memory-directory-description.js";
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

const defaultMaxBytes = 1 << 30;

export class MemoryDirectory {
  readonly #tree: MemoryTree;
  readonly #root: DirectoryNode;

  constructor(options: MemoryDirectoryOptions = {}) {
    const maxBytes = options.maxBytes ?? defaultMaxBytes;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`MemoryDirectory: maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
    this.#tree = new MemoryTree({ readOnly: options.readOnly === true, maxBytes });
    this.#root = new DirectoryNode(this.#tree, standaloneEnvironment.now(), null);
  }

  get readOnly(): boolean {
    return this.#tree.options.readOnly;
  }

  /** A directory description on the tree's root, for a host's fd table; each call makes a new one. */
  preopen(context: MemoryPreopenContext = {}): FileDescription {
    const environment = memoryEnvironment(context.clock ?? null, context.limits ?? defaultHostLimits);
    return new MemoryDirectoryDescription(this.#root, this.#root, environment);
  }

  /** Creates or replaces a regular file (the directories above it must exist). */
  writeFile(path: string, content: string | Uint8Array): void {
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
    const parts = relative(path).split("/").filter((part) => part !== "" && part !== ".");
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
    const parts = relative(path).split("/").filter((part) => part !== "" && part !== ".");
    if (parts.length === 0) this.#check("mount", path, errno.exist);
    if (parts.length > 1) this.mkdir(parts.slice(0, -1).join("/"));
    const found = resolve(this.#root, parts.join("/"), false, defaultHostLimits);
    if (typeof found === "number") this.#check("mount", path, found);
    const { parent, name, node } = found as Exclude<typeof found, Errno>;
    if (node !== null || name === null) this.#check("mount", path, errno.exist);
    const now = standaloneEnvironment.now();
    parent.attach(name!, new MountNode(this.#tree, now, file), now);
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
    if (error !== errno.success) throw new Error(`MemoryDirectory.${call}(${JSON.stringify(path)}): ${errnoNames[error]}`);
  }
}

/** Embedder paths may start with "/": the tree's root. */
function relative(path: string): string {
  const trimmed = path.replace(/^\/+/, "");
  return trimmed === "" ? "." : trimmed;
}
