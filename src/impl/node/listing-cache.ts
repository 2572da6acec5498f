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
import { nativeLittleEndian } from "../../runtime/memory.js";
import type { DirectoryListing } from "./directory-listing.js";
import { slotCtime, slotDev, slotIno, slotMtime, slotNotAscii, slotParent } from "./native-beneath.js";

/**
 * A directory's stamp: the slots before slotNotAscii (native-beneath.ts), its
 * dev, ino, mtime, ctime and the inode its `..` is listed with, each u64 as
 * the two u32 words of a BigUint64Array element (the machine's order, as the
 * addon's stat buffer holds it), so that they are copied and compared exactly
 * without a BigInt.
 */
export type DirectoryStamp = Uint32Array;

/** Which word of a u64 is its high half: the second on little-endian machines. */
const high = nativeLittleEndian ? 1 : 0;
const low = 1 - high;

const fineTickMs = 50;
const coarseTickMs = 2500;

interface Snapshot {
  readonly stamp: DirectoryStamp;
  readonly listing: DirectoryListing;
}

export class ListingCache {
  /** By a hash of the directory's inode; a snapshot of another directory there (another ino, dev or `..`) is not it. */
  private readonly snapshots = new Map<number, Snapshot>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 256,
    private readonly maxBytes = 8 * 1024 * 1024,
  ) {}

  /** The snapshot for the directory `stamp` describes, if still valid. */
  lookup(stamp: DirectoryStamp): DirectoryListing | null {
    const key = keyOf(stamp);
    const snapshot = this.snapshots.get(key);
    if (snapshot === undefined) return null;
    const kept = snapshot.stamp;
    for (const at of identityWords) if (kept[at] !== stamp[at]) return null;
    for (let at = slotMtime; at < slotCtime + 2; at++) {
      if (kept[at] !== stamp[at]) {
        this.drop(key, snapshot);
        return null;
      }
    }
    // Most recently used last.
    this.snapshots.delete(key);
    this.snapshots.set(key, snapshot);
    return snapshot.listing;
  }

  /**
   * Keeps `listing`, read after `stamp` was taken and Date.now() was
   * `takenAt`, when the directory had been quiet for longer than a tick by then.
   */
  store(stamp: DirectoryStamp, listing: DirectoryListing, takenAt: number): void {
    const mtimeHigh = stamp[slotMtime + high] | 0;
    const ctimeHigh = stamp[slotCtime + high] | 0;
    const mtimeLow = stamp[slotMtime + low];
    const ctimeLow = stamp[slotCtime + low];
    const lastChange = Math.max(mtimeHigh * 0x100000000 + mtimeLow, ctimeHigh * 0x100000000 + ctimeLow) / 1e6;
    const wholeSeconds = isWholeSecond(mtimeHigh, mtimeLow) && isWholeSecond(ctimeHigh, ctimeLow);
    if (takenAt - lastChange <= (wholeSeconds ? coarseTickMs : fineTickMs)) return;
    const size = listing.byteLength;
    if (size > this.maxBytes) return;
    const key = keyOf(stamp);
    const previous = this.snapshots.get(key);
    if (previous !== undefined) this.drop(key, previous);
    this.snapshots.set(key, { stamp: stamp.slice(0, slotNotAscii), listing });
    this.bytes += size;
    for (const [oldKey, old] of this.snapshots) {
      if (this.snapshots.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.drop(oldKey, old);
    }
  }

  get size(): number {
    return this.snapshots.size;
  }

  private drop(key: number, snapshot: Snapshot): void {
    this.snapshots.delete(key);
    this.bytes -= snapshot.listing.byteLength;
  }
}

/** The words of dev, ino and the inode of `..`. */
const identityWords = [slotDev, slotDev + 1, slotIno, slotIno + 1, slotParent, slotParent + 1];

function keyOf(stamp: DirectoryStamp): number {
  return stamp[slotIno] ^ stamp[slotIno + 1];
}

/** Whether high · 2^32 + low ns is a whole number of seconds: exact, each product stays below 2^53. */
function isWholeSecond(high: number, low: number): boolean {
  return (((high * 0x10000) % 1e9) * 0x10000 + low) % 1e9 === 0;
}
