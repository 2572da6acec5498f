/**
 * MemoryDirectory as an embedder uses it around a run: build a tree from an
 * object or a host directory, move and remove things, stat them, export the
 * tree back; failures carry node:fs-style codes. And the deterministic seed is
 * checked, since a fractional or NaN seed would silently become another one.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadMemoryDirectory, MemoryDirectory, MemoryDirectoryError, saveMemoryDirectory, WASI } from "../src/index.js";

const text = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));
const scratch = mkdtempSync(join(tmpdir(), "witx-wasi-memory-api-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function failure(action: () => unknown): MemoryDirectoryError {
  try {
    action();
  } catch (error) {
    return error as MemoryDirectoryError;
  }
  throw new Error("expected a failure");
}

describe("MemoryDirectory for embedders", () => {
  it("is built from { path: contents } and exported back the same way", () => {
    const tree = MemoryDirectory.fromObject({ "a/b/c.txt": "deep", "top.bin": new Uint8Array([1, 2]), "empty/": null });
    const back = tree.toObject();
    expect(Object.keys(back)).toEqual(["a/b/c.txt", "empty/", "top.bin"]);
    expect(text(back["a/b/c.txt"])).toBe("deep");
    expect(back["top.bin"]).toEqual(new Uint8Array([1, 2]));
    expect(back["empty/"]).toBeNull();
  });

  it("writes a file with its parents when asked, and mkdir makes parents too", () => {
    const tree = new MemoryDirectory();
    tree.writeFile("x/y/z.txt", "z", { parents: true });
    tree.mkdir("p/q/r");
    expect(tree.kindOf("x/y")).toBe("directory");
    expect(tree.list("p/q")).toEqual(["r"]);
  });

  it("stats, renames and removes, recursively when asked", () => {
    const tree = MemoryDirectory.fromObject({ "d/one.txt": "1", "d/sub/two.txt": "22" });
    expect(tree.stat("d/sub/two.txt")).toMatchObject({ kind: "file", size: 2 });
    expect(tree.stat("d").kind).toBe("directory");
    expect(typeof tree.stat("d").mtimeNs).toBe("bigint");
    tree.rename("d/one.txt", "d/sub/uno.txt");
    expect(tree.list("d/sub")).toEqual(["two.txt", "uno.txt"]);
    expect(failure(() => tree.remove("d")).code).toBe("ENOTEMPTY");
    tree.remove("d/sub/two.txt");
    tree.remove("d", { recursive: true });
    expect(tree.list()).toEqual([]);
  });

  it("fails with an error carrying a node:fs-style code and naming the call and path", () => {
    const tree = new MemoryDirectory();
    const error = failure(() => tree.readFile("missing.txt"));
    expect(error).toBeInstanceOf(MemoryDirectoryError);
    expect(error).toMatchObject({
      code: "ENOENT",
      errno: "noent",
      path: "missing.txt",
      message: 'MemoryDirectory.readFile("missing.txt"): noent',
    });
    expect(failure(() => tree.writeFile("no/f", "x")).code).toBe("ENOENT");
  });

  it("loads a host directory (files, directories, links) and saves the tree back to disk", () => {
    const source = join(scratch, "source");
    mkdirSync(join(source, "sub"), { recursive: true });
    writeFileSync(join(source, "sub/file.txt"), "from disk");
    symlinkSync("sub/file.txt", join(source, "link"));
    const tree = loadMemoryDirectory(source);
    expect(text(tree.readFile("link"))).toBe("from disk");
    expect(tree.kindOf("link")).toBe("symlink");
    tree.writeFile("sub/new.txt", "made in memory");
    const target = join(scratch, "target");
    saveMemoryDirectory(tree, target);
    expect(readdirSync(join(target, "sub")).sort()).toEqual(["file.txt", "new.txt"]);
    expect(readFileSync(join(target, "sub/new.txt"), "utf8")).toBe("made in memory");
  });
});

describe("deterministic.seed", () => {
  it.each([Number.NaN, 1.5, Number.POSITIVE_INFINITY, 2 ** 60])("refuses %s with a message naming the option", (seed) => {
    expect(() => new WASI({ version: "preview1", deterministic: { seed } })).toThrow(/options\.deterministic\.seed/);
  });

  it("takes integers, bigints and strings", () => {
    for (const seed of [0, -3, 7n, "text"]) expect(() => new WASI({ version: "preview1", deterministic: { seed } })).not.toThrow();
  });
});
