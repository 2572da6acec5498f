// The snapshot cache behind fd_readdir: reuse only while the directory's
// mtime and ctime are unchanged, never for a snapshot taken within a clock
// tick of the last change, bounded in count and bytes; and through the glue,
// a listing never goes stale when the directory changes.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errno, rights } from "../src/generated/preview1/types.js";
import { DirectoryListing } from "../src/impl/node/directory-listing.js";
import { ListingCache } from "../src/impl/node/listing-cache.js";
import { Harness, OFLAGS, makeTempDir } from "./support/node-host-harness.js";

const ms = 1_000_000n;
let dir: string;
let cleanup: () => void;

beforeEach(() => {
  [dir, cleanup] = makeTempDir("node-host-listing-");
  fs.writeFileSync(path.join(dir, "a"), "");
});
afterEach(() => cleanup());

function stats(): fs.BigIntStats {
  return fs.statSync(dir, { bigint: true });
}

function listing(): DirectoryListing {
  return DirectoryListing.read(dir, stats().ino, 0n);
}

/** A time safely after the directory's last change. */
function later(by: bigint): bigint {
  const s = stats();
  return (s.mtimeNs > s.ctimeNs ? s.mtimeNs : s.ctimeNs) + by;
}

describe("ListingCache", () => {
  it("gives a stored snapshot back while the directory is unchanged", () => {
    const cache = new ListingCache();
    const snapshot = listing();
    cache.store(stats(), 0n, snapshot, later(100n * ms));
    expect(cache.lookup(stats(), 0n)).toBe(snapshot);
    expect(cache.lookup(stats(), 1n)).toBeNull();
  });

  it("does not keep a snapshot taken within a tick of the last change", () => {
    const cache = new ListingCache();
    cache.store(stats(), 0n, listing(), later(10n * ms));
    expect(cache.lookup(stats(), 0n)).toBeNull();
  });

  it("drops a snapshot once the directory changed", () => {
    const cache = new ListingCache();
    const before = stats();
    cache.store(before, 0n, listing(), later(100n * ms));
    fs.writeFileSync(path.join(dir, "b"), "");
    expect(cache.lookup(stats(), 0n)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it("keeps at most maxEntries snapshots and maxBytes of them, dropping the least recently used", () => {
    const cache = new ListingCache(2, 1 << 20);
    const s = stats();
    const other = (ino: bigint) => Object.assign(Object.create(Object.getPrototypeOf(s)), s, { ino }) as fs.BigIntStats;
    cache.store(other(1n), 0n, listing(), later(100n * ms));
    cache.store(other(2n), 0n, listing(), later(100n * ms));
    expect(cache.lookup(other(1n), 0n)).not.toBeNull();
    cache.store(other(3n), 0n, listing(), later(100n * ms));
    expect(cache.size).toBe(2);
    expect(cache.lookup(other(2n), 0n)).toBeNull();
    expect(cache.lookup(other(1n), 0n)).not.toBeNull();
    const tiny = new ListingCache(10, listing().byteLength);
    tiny.store(other(1n), 0n, listing(), later(100n * ms));
    tiny.store(other(2n), 0n, listing(), later(100n * ms));
    expect(tiny.size).toBe(1);
  });

  it("needs a longer quiet time for whole-second timestamps", () => {
    const cache = new ListingCache();
    const s = stats();
    const coarse = Object.assign(Object.create(Object.getPrototypeOf(s)), s, {
      mtimeNs: 5_000_000_000n,
      ctimeNs: 5_000_000_000n,
    }) as fs.BigIntStats;
    cache.store(coarse, 0n, listing(), 5_000_000_000n + 1000n * ms);
    expect(cache.lookup(coarse, 0n)).toBeNull();
    cache.store(coarse, 0n, listing(), 5_000_000_000n + 3000n * ms);
    expect(cache.lookup(coarse, 0n)).not.toBeNull();
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
