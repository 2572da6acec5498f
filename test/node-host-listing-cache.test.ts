// The snapshot cache behind fd_readdir: reuse only while the directory's
// mtime and ctime are unchanged, never for a snapshot taken within a clock
// tick of the last change, bounded in count and bytes; and through the glue,
// a listing never goes stale when the directory changes.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errno, rights } from "../src/generated/preview1/types.js";
import { DirectoryListing } from "../src/impl/node/directory-listing.js";
import { ListingCache, u64, u64OfBigInt, type DirectoryStamp, type U64 } from "../src/impl/node/listing-cache.js";
import { Harness, OFLAGS, makeTempDir } from "./support/node-host-harness.js";

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  [dir, cleanup] = makeTempDir("node-host-listing-");
  fs.writeFileSync(path.join(dir, "a"), "");
});
afterEach(() => cleanup());

/** The directory's stamp as the host takes it (listed with `..` at `parentIno`), with `changes` made to it. */
function stamp(parentIno: U64 = 0, changes: Partial<DirectoryStamp> = {}): DirectoryStamp {
  const s = fs.statSync(dir, { bigint: true });
  return {
    dev: u64OfBigInt(s.dev),
    ino: u64OfBigInt(s.ino),
    parentIno,
    ...halves("mtime", s.mtimeNs),
    ...halves("ctime", s.ctimeNs),
    ...changes,
  };
}

/** A time in ns as a stamp holds it. */
function halves<Name extends "mtime" | "ctime">(name: Name, ns: bigint) {
  return { [`${name}High`]: Number(ns >> 32n), [`${name}Low`]: Number(ns & 0xffffffffn) } as Record<`${Name}High` | `${Name}Low`, number>;
}

function listing(): DirectoryListing {
  return DirectoryListing.read(dir, stamp().ino, 0);
}

/** Date.now() `by` ms after the directory's last change. */
function later(by: number): number {
  const s = fs.statSync(dir);
  return Math.max(s.mtimeMs, s.ctimeMs) + by;
}

describe("ListingCache", () => {
  it("gives a stored snapshot back while the directory is unchanged", () => {
    const cache = new ListingCache();
    const snapshot = listing();
    cache.store(stamp(), snapshot, later(100));
    expect(cache.lookup(stamp())).toBe(snapshot);
    expect(cache.lookup(stamp(1))).toBeNull();
    expect(cache.lookup(stamp(0, { dev: 12345 }))).toBeNull();
    // Still there for the directory it is of.
    expect(cache.lookup(stamp())).toBe(snapshot);
  });

  it("does not keep a snapshot taken within a tick of the last change", () => {
    const cache = new ListingCache();
    cache.store(stamp(), listing(), later(10));
    expect(cache.lookup(stamp())).toBeNull();
  });

  it("drops a snapshot once the directory changed", () => {
    const cache = new ListingCache();
    cache.store(stamp(), listing(), later(100));
    fs.writeFileSync(path.join(dir, "b"), "");
    expect(cache.lookup(stamp())).toBeNull();
    expect(cache.size).toBe(0);
  });

  it("compares times to the nanosecond and inodes beyond 2^53 exactly", () => {
    const cache = new ListingCache();
    const big = 2n ** 60n + 1n;
    cache.store(stamp(0, { ino: u64(2 ** 28, 1) }), listing(), later(100));
    expect(u64(2 ** 28, 1)).toBe(big);
    expect(cache.lookup(stamp(0, { ino: big }))).not.toBeNull();
    expect(cache.lookup(stamp(0, { ino: big + 1n }))).toBeNull();
    expect(cache.lookup(stamp(0, { ino: Number(big) }))).toBeNull();
    const s = stamp(0, { ino: big });
    expect(cache.lookup({ ...s, mtimeLow: s.mtimeLow + 1 })).toBeNull();
    expect(cache.size).toBe(0);
  });

  it("keeps at most maxEntries snapshots and maxBytes of them, dropping the least recently used", () => {
    const cache = new ListingCache(2, 1 << 20);
    const other = (ino: number) => stamp(0, { ino });
    cache.store(other(1), listing(), later(100));
    cache.store(other(2), listing(), later(100));
    expect(cache.lookup(other(1))).not.toBeNull();
    cache.store(other(3), listing(), later(100));
    expect(cache.size).toBe(2);
    expect(cache.lookup(other(2))).toBeNull();
    expect(cache.lookup(other(1))).not.toBeNull();
    const tiny = new ListingCache(10, listing().byteLength);
    tiny.store(other(1), listing(), later(100));
    tiny.store(other(2), listing(), later(100));
    expect(tiny.size).toBe(1);
  });

  it("needs a longer quiet time for whole-second timestamps, told exactly from the ns", () => {
    const wholeSecond = 1_764_000_000n * 1_000_000_000n;
    const ms = Number(wholeSecond / 1_000_000n);
    const cache = new ListingCache();
    const coarse = stamp(0, { ...halves("mtime", wholeSecond), ...halves("ctime", wholeSecond) });
    cache.store(coarse, listing(), ms + 1000);
    expect(cache.lookup(coarse)).toBeNull();
    cache.store(coarse, listing(), ms + 3000);
    expect(cache.lookup(coarse)).not.toBeNull();
    // 1 ns off a whole second (a double of the ns would round it onto one): the 50 ms tick.
    const fine = stamp(0, { ino: 7, ...halves("mtime", wholeSecond + 1n), ...halves("ctime", wholeSecond) });
    cache.store(fine, listing(), ms + 1000);
    expect(cache.lookup(fine)).not.toBeNull();
    // Before 1970: negative high halves.
    const early = stamp(0, { ino: 8, ...halves("mtime", -5_000_000_000n), ...halves("ctime", -5_000_000_000n) });
    cache.store(early, listing(), -5000 + 1000);
    expect(cache.lookup(early)).toBeNull();
    cache.store(early, listing(), -5000 + 3000);
    expect(cache.lookup(early)).not.toBeNull();
  });
});

describe("listing through the glue with the cache", () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness({ preopens: [["/sandbox", dir]] });
  });
  afterEach(() => h.close());

  function names(): string[] {
    const [error, fd] = h.open(3, ".", { oflags: OFLAGS.directory, base: rights.fd_readdir });
    expect(error).toBe(errno.success);
    const result = h
      .readdirAll(fd)
      .map((entry) => entry.name)
      .sort();
    h.imports.fd_close(fd);
    return result;
  }

  it("never shows a stale listing, however soon after a change it is taken", async () => {
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(names()).toEqual([".", "..", "a"]);
    expect(names()).toEqual([".", "..", "a"]);
    fs.writeFileSync(path.join(dir, "b"), "");
    expect(names()).toEqual([".", "..", "a", "b"]);
    fs.rmSync(path.join(dir, "a"));
    expect(names()).toEqual([".", "..", "b"]);
    fs.renameSync(path.join(dir, "b"), path.join(dir, "c"));
    expect(names()).toEqual([".", "..", "c"]);
  });
});
