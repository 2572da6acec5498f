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
 * The check is made in doubles of milliseconds: the wall clock is Date.now()
 * (whole ms, rounded down, so never later than the true time: a snapshot is
 * never kept too early), a timestamp's ns as a double is within 256 ns, far
 * below a tick. Timestamps are compared exactly, as the (high, low) u32
 * halves of their ns, which the addon's stat gives without a BigInt.
 *
 * Bounded: at most `maxEntries` snapshots and `maxBytes` of them, least
 * recently used dropped first.
 */
import type { DirectoryListing } from "./directory-listing.js";

/**
 * A u64 as a number where that is exact (below 2^53), else as a bigint: each
 * value has one form, so === and Map keys compare values, and the common case
 * allocates nothing.
 */
export type U64 = number | bigint;

/** The U64 of a u64 given as its (high, low) u32 halves. */
export function u64(high: number, low: number): U64 {
  return high < 0x200000 ? high * 0x100000000 + low : (BigInt(high) << 32n) | BigInt(low);
}

/** Stores `value` as its (high, low) u32 halves at `at` and `at + 1`. */
export function setHalves(slots: Float64Array, at: number, value: U64): void {
  slots[at] = typeof value === "number" ? Math.floor(value / 0x100000000) : Number(value >> 32n);
  slots[at + 1] = typeof value === "number" ? value % 0x100000000 : Number(value & 0xffffffffn);
}

export function u64OfBigInt(value: bigint): U64 {
  return value <= 0x1fffffffffffffn ? Number(value) : value;
}

/**
 * Which directory a snapshot is of (with the inode its `..` is listed with)
 * and when it last changed: mtime and ctime in ns, as (signed high, low) halves.
 */
export interface DirectoryStamp {
  readonly dev: U64;
  readonly ino: U64;
  readonly parentIno: U64;
  readonly mtimeHigh: number;
  readonly mtimeLow: number;
  readonly ctimeHigh: number;
  readonly ctimeLow: number;
}

const fineTickMs = 50;
const coarseTickMs = 2500;

interface Snapshot {
  readonly stamp: DirectoryStamp;
  readonly listing: DirectoryListing;
}

export class ListingCache {
  /** By the directory's inode; a snapshot of another directory with that inode (another dev, another `..`) is not it. */
  private readonly snapshots = new Map<U64, Snapshot>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 256,
    private readonly maxBytes = 8 * 1024 * 1024,
  ) {}

  /** The snapshot for the directory `stamp` describes, if still valid. */
  lookup(stamp: DirectoryStamp): DirectoryListing | null {
    const snapshot = this.snapshots.get(stamp.ino);
    if (snapshot === undefined) return null;
    const kept = snapshot.stamp;
    if (kept.dev !== stamp.dev || kept.parentIno !== stamp.parentIno) return null;
    if (
      kept.mtimeLow !== stamp.mtimeLow ||
      kept.ctimeLow !== stamp.ctimeLow ||
      kept.mtimeHigh !== stamp.mtimeHigh ||
      kept.ctimeHigh !== stamp.ctimeHigh
    ) {
      this.drop(stamp.ino, snapshot);
      return null;
    }
    // Most recently used last.
    this.snapshots.delete(stamp.ino);
    this.snapshots.set(stamp.ino, snapshot);
    return snapshot.listing;
  }

  /**
   * Keeps `listing`, read after `stamp` was taken and Date.now() was
   * `takenAt`, when the directory had been quiet for longer than a tick by then.
   */
  store(stamp: DirectoryStamp, listing: DirectoryListing, takenAt: number): void {
    const lastChange = Math.max(stamp.mtimeHigh * 0x100000000 + stamp.mtimeLow, stamp.ctimeHigh * 0x100000000 + stamp.ctimeLow) / 1e6;
    const wholeSeconds = isWholeSecond(stamp.mtimeHigh, stamp.mtimeLow) && isWholeSecond(stamp.ctimeHigh, stamp.ctimeLow);
    if (takenAt - lastChange <= (wholeSeconds ? coarseTickMs : fineTickMs)) return;
    const size = listing.byteLength;
    if (size > this.maxBytes) return;
    const previous = this.snapshots.get(stamp.ino);
    if (previous !== undefined) this.drop(stamp.ino, previous);
    this.snapshots.set(stamp.ino, { stamp, listing });
    this.bytes += size;
    for (const [oldKey, old] of this.snapshots) {
      if (this.snapshots.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.drop(oldKey, old);
    }
  }

  get size(): number {
    return this.snapshots.size;
  }

  private drop(key: U64, snapshot: Snapshot): void {
    this.snapshots.delete(key);
    this.bytes -= snapshot.listing.byteLength;
  }
}

/** Whether high · 2^32 + low ns is a whole number of seconds: exact, each product stays below 2^53. */
function isWholeSecond(high: number, low: number): boolean {
  return (((high * 0x10000) % 1e9) * 0x10000 + low) % 1e9 === 0;
}
