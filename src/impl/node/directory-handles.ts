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
 * recently used are closed first). During one operation the handles it uses
 * are pinned, so a rename that resolves two paths cannot close the first one's
 * directory while resolving the second; pinned handles are released, and the
 * bound enforced again, when the operation ends (`release`). A single walk may
 * hold at most `maxWalkDepth` directories at once; deeper paths are refused
 * (the resolver answers `nametoolong`). The handles are the host's own: they
 * count against no limit of the guest's, and `close()` (called when the WASI
 * object closes) closes every one.
 */
import { closeSync } from "node:fs";

interface Kept {
  readonly fd: number;
  readonly owner: number;
  readonly key: string;
}

export class DirectoryHandles {
  /** `owner/key` → handle, least recently used first. */
  private readonly kept = new Map<string, Kept>();
  /** Handles the current operation uses: not closed before `release`. */
  private readonly pinned = new Set<number>();
  /** Handles to close at `release`: walked through but not kept, or replaced while pinned. */
  private readonly closing: number[] = [];
  /**
   * Counts the renames the guest made. A root re-reads where it is after one
   * (see anchored-resolver.ts): a rename may have moved the root itself.
   */
  renames = 0;
  private nextOwner = 1;

  constructor(
    readonly maxKept = 64,
    readonly maxWalkDepth = 128,
  ) {}

  /** A fresh owner id for a root descriptor. */
  newOwner(): number {
    return this.nextOwner++;
  }

  /** The kept handle for `key` below `owner`, pinned; undefined when none is kept. */
  lookup(owner: number, key: string): number | undefined {
    const id = `${owner}/${key}`;
    const kept = this.kept.get(id);
    if (kept === undefined) return undefined;
    // Most recently used last.
    this.kept.delete(id);
    this.kept.set(id, kept);
    this.pinned.add(kept.fd);
    return kept.fd;
  }

  /** Keeps `fd`, the directory at `key` below `owner` (now owned here), pinned for this operation. */
  keep(owner: number, key: string, fd: number): void {
    const id = `${owner}/${key}`;
    const previous = this.kept.get(id);
    if (previous !== undefined) {
      this.kept.delete(id);
      this.discard(previous.fd);
    }
    this.kept.set(id, { fd, owner, key });
    this.pinned.add(fd);
  }

  /** Owns `fd` until the operation ends, without keeping it. */
  temporary(fd: number): void {
    this.pinned.add(fd);
    this.closing.push(fd);
  }

  /** Closes the kept handle for `key` below `owner`, if any: it no longer names what it did. */
  forget(owner: number, key: string): void {
    const id = `${owner}/${key}`;
    const kept = this.kept.get(id);
    if (kept === undefined) return;
    this.kept.delete(id);
    this.discard(kept.fd);
  }

  /** Closes every handle kept below `owner` (its root descriptor is being closed). */
  forgetOwner(owner: number): void {
    for (const [id, kept] of this.kept) {
      if (kept.owner !== owner) continue;
      this.kept.delete(id);
      this.discard(kept.fd);
    }
  }

  /** Ends an operation: unpins, closes what was only borrowed, enforces the bound. */
  release(): void {
    this.pinned.clear();
    for (const fd of this.closing) closeQuietly(fd);
    this.closing.length = 0;
    if (this.kept.size <= this.maxKept) return;
    for (const [id, kept] of this.kept) {
      if (this.kept.size <= this.maxKept) break;
      this.kept.delete(id);
      closeQuietly(kept.fd);
    }
  }

  /** How many handles are open now (kept or borrowed). */
  get openCount(): number {
    return this.kept.size + this.closing.length;
  }

  /** Closes everything. The host may still resolve afterwards (it opens anew). */
  close(): void {
    this.release();
    for (const kept of this.kept.values()) closeQuietly(kept.fd);
    this.kept.clear();
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
