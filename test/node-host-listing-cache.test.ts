// The snapshot cache behind fd_readdir: reuse only while the directory's
// mtime and ctime are unchanged, never for a snapshot taken within a clock
// tick of the last change, bounded in count and bytes; and through the glue,
// a listing never goes stale when the directory changes.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errno, rights } from "../src/generated/preview1/types.js";
import { DirectoryListing } from "../src/impl/node/directory-listing.js";
import { ListingCache, type DirectoryStamp } from "../src/impl/node/listing-cache.js";
import { slotNotAscii } from "../src/impl/node/native-beneath.js";
import { Harness, OFLAGS, makeTempDir } from "./support/node-host-harness.js";

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  [dir, cleanup] = makeTempDir("node-host-listing-");
  fs.writeFileSync(path.join(dir, "a"), "");
});
afterEach(() => cleanup());

interface Changes {
  dev?: bigint;
  ino?: bigint;
  mtime?: bigint;
  ctime?: bigint;
}

/** The directory's stamp as the host takes it (listed with `..` at `parentIno`), with `changes` made to it. */
function stamp(parentIno = 0n, changes: Changes = {}): DirectoryStamp {
  const s = fs.statSync(dir, { bigint: true });
  const words = new Uint32Array(slotNotAscii);
  new BigInt64Array(words.buffer).set([
    changes.dev ?? s.dev,
    changes.ino ?? s.ino,
    changes.mtime ?? s.mtimeNs,
    changes.ctime ?? s.ctimeNs,
    parentIno,
  ]);
  return words;
}

function listing(): DirectoryListing {
  return DirectoryListing.read(dir, fs.statSync(dir, { bigint: true }).ino, 0n);
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
    expect(cache.lookup(stamp(1n))).toBeNull();
    expect(cache.lookup(stamp(0n, { dev: 12345n }))).toBeNull();
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
    cache.store(stamp(0n, { ino: big }), listing(), later(100));
    expect(cache.lookup(stamp(0n, { ino: big }))).not.toBeNull();
    // 2^60 + 1 and 2^60 are one double.
    expect(cache.lookup(stamp(0n, { ino: big - 1n }))).toBeNull();
    expect(cache.lookup(stamp(big, { ino: big }))).toBeNull();
    const s = fs.statSync(dir, { bigint: true });
    expect(cache.lookup(stamp(0n, { ino: big, mtime: s.mtimeNs + 1n }))).toBeNull();
    expect(cache.size).toBe(0);
  });

  it("keeps at most maxEntries snapshots and maxBytes of them, dropping the least recently used", () => {
    const cache = new ListingCache(2, 1 << 20);
    const other = (ino: bigint) => stamp(0n, { ino });
    cache.store(other(1n), listing(), later(100));
    cache.store(other(2n), listing(), later(100));
    expect(cache.lookup(other(1n))).not.toBeNull();
    cache.store(other(3n), listing(), later(100));
    expect(cache.size).toBe(2);
    expect(cache.lookup(other(2n))).toBeNull();
    expect(cache.lookup(other(1n))).not.toBeNull();
    const tiny = new ListingCache(10, listing().byteLength);
    tiny.store(other(1n), listing(), later(100));
    tiny.store(other(2n), listing(), later(100));
    expect(tiny.size).toBe(1);
  });

  it("needs a longer quiet time for whole-second timestamps, told exactly from the ns", () => {
    const wholeSecond = 1_764_000_000n * 1_000_000_000n;
    const ms = Number(wholeSecond / 1_000_000n);
    const cache = new ListingCache();
    const coarse = stamp(0n, { mtime: wholeSecond, ctime: wholeSecond });
    cache.store(coarse, listing(), ms + 1000);
    expect(cache.lookup(coarse)).toBeNull();
    cache.store(coarse, listing(), ms + 3000);
    expect(cache.lookup(coarse)).not.toBeNull();
    // 1 ns off a whole second (a double of the ns would round it onto one): the 50 ms tick.
    const fine = stamp(0n, { ino: 7n, mtime: wholeSecond + 1n, ctime: wholeSecond });
    cache.store(fine, listing(), ms + 1000);
    expect(cache.lookup(fine)).not.toBeNull();
    // Before 1970: negative high halves.
    const early = stamp(0n, { ino: 8n, mtime: -5_000_000_000n, ctime: -5_000_000_000n });
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
