/**
 * Directory snapshots shared between descriptors of one host, so that listing
 * an unchanged directory again (opendir/readdir/closedir in a loop, rewinddir)
 * costs one fstat instead of reading the directory.
 *
 * When a snapshot may be reused. Adding, removing or renaming an entry updates
 * the directory's mtime and ctime, and nobody can set ctime back. A snapshot
 * is kept with the (mtime, ctime) the directory had just before it was read,
 * and reused only while both are unchanged. The one trap is timestamp
 * granularity ("racy git"): a change made in the same clock tick as the
 * previous one leaves the timestamps as they were. So a snapshot is only kept
 * when, at the moment it was taken, the directory had been left alone for
 * longer than the file system's tick — then any later change necessarily gets
 * a later timestamp. The tick is taken as 50 ms (the kernel stamps files with
 * a coarse clock, a few ms per tick) and as 2.5 s for file systems that keep
 * whole seconds (FAT, some network file systems: both timestamps whole seconds).
 * A change made during the read itself does not matter: the snapshot is
 * stored under the timestamps from before it, which the change moved on.
 *
 * Bounded: at most `maxEntries` snapshots and `maxBytes` of them, least
 * recently used dropped first.
 */
import type { BigIntStats } from "node:fs";
import type { DirectoryListing } from "./directory-listing.js";

/** What the cache needs of a directory's stat: Node's BigIntStats, or the addon's fstat. */
export type DirectoryStamp = Pick<BigIntStats, "dev" | "ino" | "mtimeNs" | "ctimeNs">;

const fineTick = 50_000_000n;
const coarseTick = 2_500_000_000n;
const second = 1_000_000_000n;

interface Snapshot {
  readonly mtime: bigint;
  readonly ctime: bigint;
  readonly listing: DirectoryListing;
}

export class ListingCache {
  private readonly snapshots = new Map<string, Snapshot>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 256,
    private readonly maxBytes = 8 * 1024 * 1024,
  ) {}

  /** The snapshot for the directory `stats` describe (with `..` at `parentIno`), if still valid. */
  lookup(stats: DirectoryStamp, parentIno: bigint): DirectoryListing | null {
    const key = keyOf(stats, parentIno);
    const snapshot = this.snapshots.get(key);
    if (snapshot === undefined) return null;
    if (snapshot.mtime !== stats.mtimeNs || snapshot.ctime !== stats.ctimeNs) {
      this.drop(key, snapshot);
      return null;
    }
    // Most recently used last.
    this.snapshots.delete(key);
    this.snapshots.set(key, snapshot);
    return snapshot.listing;
  }

  /**
   * Keeps `listing`, read after `stats` were taken at wall time `takenAt` (ns),
   * when the directory had been quiet for longer than a tick by then.
   */
  store(stats: DirectoryStamp, parentIno: bigint, listing: DirectoryListing, takenAt: bigint): void {
    const lastChange = stats.mtimeNs > stats.ctimeNs ? stats.mtimeNs : stats.ctimeNs;
    const wholeSeconds = stats.mtimeNs % second === 0n && stats.ctimeNs % second === 0n;
    if (takenAt - lastChange <= (wholeSeconds ? coarseTick : fineTick)) return;
    const size = listing.byteLength;
    if (size > this.maxBytes) return;
    const key = keyOf(stats, parentIno);
    const previous = this.snapshots.get(key);
    if (previous !== undefined) this.drop(key, previous);
    this.snapshots.set(key, { mtime: stats.mtimeNs, ctime: stats.ctimeNs, listing });
    this.bytes += size;
    for (const [oldKey, old] of this.snapshots) {
      if (this.snapshots.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.drop(oldKey, old);
    }
  }

  get size(): number {
    return this.snapshots.size;
  }

  private drop(key: string, snapshot: Snapshot): void {
    this.snapshots.delete(key);
    this.bytes -= snapshot.listing.byteLength;
  }
}

function keyOf(stats: DirectoryStamp, parentIno: bigint): string {
  return `${stats.dev}:${stats.ino}:${parentIno}`;
}
