/**
 * The directory handles one Node host holds on Linux for confined resolution
 * (anchored-resolver.ts): every directory the resolver walks into is opened
 * through its parent's handle, and kept here so that the next path through it
 * costs one check instead of one open per component.
 *
 * What a kept handle is. An `O_PATH` descriptor on a directory that was, when
 * it was opened, the entry `key` (a physical path: no symlink, no `..`) below
 * the root descriptor `owner`, reached one component at a time through handles
 * opened the same way. Nothing about it is trusted later without a look: before
 * a kept handle is used, the resolver checks that it is still where its key
 * says (see anchored-resolver.ts), so a directory renamed, removed or replaced
 * since (by the guest or by anyone else) is walked again, never used stale.
 *
 * Bounds. At most `maxKept` handles stay open between operations (the least
 * recently used are closed first, across all roots of the host). During one operation the handles it uses
 * are pinned, so a rename that resolves two paths cannot close the first one's
 * directory while resolving the second; pinned handles are released, and the
 * bound enforced again, when the operation ends (`release`). A single walk may
 * hold at most `maxWalkDepth` directories at once; deeper paths are refused
 * (the resolver answers `nametoolong`). The handles are the host's own: they
 * count against no limit of the guest's, and `close()` (called when the WASI
 * object closes) closes every one.
 */
import { closeSync } from "node:fs";

/** A handle kept below a root. */
export interface Kept {
  readonly fd: number;
  readonly key: string;
  /** What readlink of the handle shows while it is where `key` says, for the root path `expectedFor`. */
  expected: string;
  expectedFor: string | null;
  lastUse: number;
}

/** A directory descriptor paths are resolved beneath, with the handles kept below it. */
export interface HandleRoot {
  /** The host fd of the directory. */
  readonly fd: number;
  /** Kept handles by physical path below the root. */
  readonly kept: Map<string, Kept>;
  /** Where the kernel says the root is (readlink, latin1), null when unusable; see anchored-resolver.ts. */
  path: string | null;
  /** DirectoryHandles.renames when `path` was read; -1 before the first read. */
  pathAtRenames: number;
}

export class DirectoryHandles {
  private readonly roots = new Set<HandleRoot>();
  private keptCount = 0;
  private uses = 0;
  /** Handles the current operation uses: not closed before `release`. */
  private readonly pinned = new Set<number>();
  /** Handles to close at `release`: walked through but not kept, or replaced while pinned. */
  private readonly closing: number[] = [];
  /**
   * Counts the renames the guest made. A root re-reads where it is after one
   * (see anchored-resolver.ts): a rename may have moved the root itself.
   */
  renames = 0;

  constructor(
    readonly maxKept = 64,
    readonly maxWalkDepth = 128,
  ) {}

  /** Registers the directory descriptor `fd` as a root. */
  newRoot(fd: number): HandleRoot {
    const root: HandleRoot = { fd, kept: new Map(), path: null, pathAtRenames: -1 };
    this.roots.add(root);
    return root;
  }

  /** The kept handle for `key` below `root`, pinned; undefined when none is kept. */
  lookup(root: HandleRoot, key: string): Kept | undefined {
    const kept = root.kept.get(key);
    if (kept === undefined) return undefined;
    kept.lastUse = ++this.uses;
    this.pinned.add(kept.fd);
    return kept;
  }

  /** Keeps `fd`, the directory at `key` below `root` (now owned here), pinned for this operation. */
  keep(root: HandleRoot, key: string, fd: number): void {
    this.forget(root, key);
    root.kept.set(key, { fd, key, expected: "", expectedFor: null, lastUse: ++this.uses });
    this.keptCount++;
    this.pinned.add(fd);
  }

  /** Owns `fd` until the operation ends, without keeping it. */
  temporary(fd: number): void {
    this.pinned.add(fd);
    this.closing.push(fd);
  }

  /** Closes the kept handle for `key` below `root`, if any: it no longer names what it did. */
  forget(root: HandleRoot, key: string): void {
    const kept = root.kept.get(key);
    if (kept === undefined) return;
    root.kept.delete(key);
    this.keptCount--;
    this.discard(kept.fd);
  }

  /** Closes every handle kept below `root` (its descriptor is being closed). */
  forgetRoot(root: HandleRoot): void {
    for (const kept of root.kept.values()) this.discard(kept.fd);
    this.keptCount -= root.kept.size;
    root.kept.clear();
    this.roots.delete(root);
  }

  /** Ends an operation: unpins, closes what was only borrowed, enforces the bound. */
  release(): void {
    if (this.pinned.size > 0) this.pinned.clear();
    if (this.closing.length > 0) {
      for (const fd of this.closing) closeQuietly(fd);
      this.closing.length = 0;
    }
    while (this.keptCount > this.maxKept) this.evictLeastRecentlyUsed();
  }

  /** How many handles are open now (kept or borrowed). */
  get openCount(): number {
    return this.keptCount + this.closing.length;
  }

  /** Closes everything. The host may still resolve afterwards (it opens anew). */
  close(): void {
    this.release();
    for (const root of this.roots) {
      for (const kept of root.kept.values()) closeQuietly(kept.fd);
      root.kept.clear();
    }
    // Only when it changes: V8 treats a field never written after construction as a constant and
    // folds it into release()'s optimized callers, which a write (even of 0 over 0) throws away.
    if (this.keptCount !== 0) this.keptCount = 0;
  }

  private evictLeastRecentlyUsed(): void {
    let oldest: Kept | undefined;
    let oldestRoot: HandleRoot | undefined;
    for (const root of this.roots) {
      for (const kept of root.kept.values()) {
        if (oldest === undefined || kept.lastUse < oldest.lastUse) {
          oldest = kept;
          oldestRoot = root;
        }
      }
    }
    if (oldest === undefined || oldestRoot === undefined) {
      this.keptCount = 0;
      return;
    }
    this.forget(oldestRoot, oldest.key);
  }

  private discard(fd: number): void {
    if (this.pinned.has(fd)) this.closing.push(fd);
    else closeQuietly(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already gone: nothing the guest could act on.
  }
}
