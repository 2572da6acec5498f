// The directory handles the Linux host keeps for resolution
// (src/impl/node/directory-handles.ts, anchored-resolver.ts): whatever the
// guest or another process does between two calls, a path means what it
// means now; the handles stay within their bound and leave with the host.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errno } from "../src/generated/preview1/types.js";
import { DirectoryHandles } from "../src/impl/node/directory-handles.js";
import { Harness, OFLAGS, makeTempDir } from "./support/node-host-harness.js";

const linux = process.platform === "linux" && fs.existsSync("/proc/self/fd");
const openFds = () => fs.readdirSync("/proc/self/fd").length;

// Both resolvers of the Linux host: the JavaScript walk, which keeps handles,
// and the openat2 addon (native/beneath.c), which keeps parent directories fresh through inotify, and must answer alike.
const modes = [
  { name: "JavaScript walk", nativeResolution: false },
  { name: "openat2 addon", nativeResolution: true },
] as const;

describe.runIf(linux).each(modes)("kept directory handles ($name)", (mode) => {
  let dir: string;
  let cleanup: () => void;
  let h: Harness;
  const at = (...parts: string[]) => path.join(dir, ...parts);
  const call = (fn: (fd: number, p: number, n: number) => number, p: string, fd = 3) => h.pathCall(fn, fd, p);
  const rename = (from: string, to: string, fromFd = 3, toFd = 3): number => {
    const [a, an] = h.put(from);
    const [b, bn] = h.put(to);
    return h.imports.path_rename(fromFd, a, an, toFd, b, bn);
  };
  const size = (p: string, fd = 3) => {
    const [error, stat] = h.pathFilestat(fd, p, false);
    return error === errno.success ? Number(stat!.size) : -error;
  };

  beforeEach(() => {
    [dir, cleanup] = makeTempDir("witx-kept-");
    fs.mkdirSync(at("a", "b"), { recursive: true });
    fs.writeFileSync(at("a", "b", "file"), "12345");
  });
  afterEach(() => {
    h?.close();
    cleanup();
  });

  it("a guest rename of a walked directory is seen by the next call", () => {
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    expect(size("a/b/file")).toBe(5);
    expect(rename("a", "z")).toBe(errno.success);
    expect(size("a/b/file")).toBe(-errno.noent);
    expect(size("z/b/file")).toBe(5);
    expect(call(h.imports.path_create_directory, "a")).toBe(errno.success);
    expect(call(h.imports.path_create_directory, "a/b")).toBe(errno.success);
    fs.writeFileSync(at("a", "b", "file"), "1");
    expect(size("a/b/file")).toBe(1);
  });

  it("a guest rmdir and mkdir of a walked directory is seen by the next call", () => {
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    fs.mkdirSync(at("e"));
    expect(size("e/missing")).toBe(-errno.noent);
    expect(call(h.imports.path_remove_directory, "e")).toBe(errno.success);
    expect(size("e/missing")).toBe(-errno.noent);
    expect(call(h.imports.path_create_directory, "e")).toBe(errno.success);
    fs.writeFileSync(at("e", "missing"), "now here");
    expect(size("e/missing")).toBe(8);
  });

  it("a host-side replacement of a walked directory by a symlink between calls is refused", () => {
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    expect(size("a/b/file")).toBe(5);
    fs.renameSync(at("a"), at("a-moved"));
    fs.symlinkSync("/etc", at("a"));
    expect(size("a/b/file")).toBe(-errno.notcapable);
  });

  it("paths with '.' and empty components mean what the plain path means now", () => {
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    expect(size("./a/b/file")).toBe(5);
    expect(size("a/./b//file")).toBe(5);
    expect(size(".//a/b/./file")).toBe(5);
    fs.renameSync(at("a"), at("a-moved"));
    fs.symlinkSync("/etc", at("a"));
    expect(size("./a/b/file")).toBe(-errno.notcapable);
    expect(size("a/./b//file")).toBe(-errno.notcapable);
    expect(size("a-moved/./b/file")).toBe(5);
    // Not dropped like "." and empty components: a leading "/" and "..", which the kernel resolves through what is really there.
    expect(size("/a-moved/b/file")).toBe(-errno.notcapable);
    fs.mkdirSync(at("x", "b"), { recursive: true });
    fs.writeFileSync(at("x", "b", "file"), "123456789");
    fs.symlinkSync("../a-moved/b", at("x", "to-b"));
    // x/to-b/.. is a-moved, not x: its b/file has 5 bytes, x/b/file 9.
    expect(size("x/to-b/../b/file")).toBe(5);
    expect(size("x/to-b/./file")).toBe(5);
  });

  it("'..' after a real directory means its parent as things are at each call", () => {
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    fs.writeFileSync(at("plain-file"), "x");
    expect(size("a/b/../b/file")).toBe(5);
    expect(size("a/b/../../a/b/../b/file")).toBe(5);
    expect(size("a/b/../b/../b/file")).toBe(5);
    expect(size(`${"a/".repeat(1)}${"b/../".repeat(12)}b/file`)).toBe(5);
    expect(size(`${"a/../".repeat(12)}a/b/file`)).toBe(5);
    expect(size("missing/../a/b/file")).toBe(-errno.noent);
    expect(size("plain-file/../a/b/file")).toBe(-errno.notdir);
    expect(size("a/../../x/file")).toBe(-errno.notcapable);
    // b is replaced by a symlink between calls: its ".." is where the link leads, outside here.
    fs.renameSync(at("a", "b"), at("b-moved"));
    fs.symlinkSync("/etc", at("a", "b"));
    expect(size("a/b/../b/file")).toBe(-errno.notcapable);
    // ...and by a symlink into the sandbox: ".." is the target's parent, not a.
    fs.unlinkSync(at("a", "b"));
    fs.mkdirSync(at("deep", "b"), { recursive: true });
    fs.writeFileSync(at("deep", "b", "file"), "deep file");
    fs.symlinkSync("../deep/b", at("a", "b"));
    expect(size("a/b/../b/file")).toBe(9);
    // A directory back in its place: the textual parent again.
    fs.unlinkSync(at("a", "b"));
    fs.renameSync(at("b-moved"), at("a", "b"));
    expect(size("a/b/../b/file")).toBe(5);
    const [error, fd] = h.open(3, "a/b/../b/file");
    expect(error).toBe(errno.success);
    expect(h.read(fd, 16)).toEqual([errno.success, "12345"]);
    // A guest rename that takes ".." through a kept directory on both sides.
    expect(rename("a/b/../b/file", "a/b/../moved-file")).toBe(errno.success);
    expect(size("a/moved-file")).toBe(5);
  });

  it("a symlinked directory on the way is followed as it is at each call", () => {
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    fs.mkdirSync(at("other", "b"), { recursive: true });
    fs.writeFileSync(at("other", "b", "file"), "123");
    fs.symlinkSync("a", at("link"));
    expect(size("link/b/file")).toBe(5);
    expect(size("link/b/file")).toBe(5);
    fs.unlinkSync(at("link"));
    fs.symlinkSync("other", at("link"));
    expect(size("link/b/file")).toBe(3);
    fs.unlinkSync(at("link"));
    fs.symlinkSync("/etc", at("link"));
    expect(size("link/b/file")).toBe(-errno.notcapable);
    fs.unlinkSync(at("link"));
    fs.mkdirSync(at("link", "b"), { recursive: true });
    fs.writeFileSync(at("link", "b", "file"), "1234567");
    expect(size("link/b/file")).toBe(7);
  });

  it("a parent that does not exist yet is walked once it does", () => {
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    expect(size("n/m/file")).toBe(-errno.noent);
    fs.mkdirSync(at("n", "m"), { recursive: true });
    fs.writeFileSync(at("n", "m", "file"), "12");
    expect(size("n/m/file")).toBe(2);
  });

  it("a host-side rename of a directory two levels up between calls is seen", () => {
    fs.mkdirSync(at("a", "b", "c"));
    fs.writeFileSync(at("a", "b", "c", "file"), "old");
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    expect(size("a/b/c/file")).toBe(3);
    fs.renameSync(at("a"), at("a-old"));
    expect(size("a/b/c/file")).toBe(-errno.noent);
    fs.mkdirSync(at("a", "b", "c"), { recursive: true });
    fs.writeFileSync(at("a", "b", "c", "file"), "newer");
    expect(size("a/b/c/file")).toBe(5);
    const [error, fd] = h.open(3, "a/b/c/file");
    expect(error).toBe(errno.success);
    expect(h.read(fd, 16)).toEqual([errno.success, "newer"]);
  });

  it("a path walked on from a shorter one that was walked before sees changes at every level", () => {
    fs.mkdirSync(at("a", "b", "c", "d"), { recursive: true });
    fs.writeFileSync(at("a", "b", "c", "d", "file"), "deep");
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    expect(size("a/b/file")).toBe(5);
    expect(size("a/b/c/d/file")).toBe(4);
    fs.renameSync(at("a", "b", "c"), at("a", "b", "c-old"));
    expect(size("a/b/c/d/file")).toBe(-errno.noent);
    expect(size("a/b/file")).toBe(5);
    fs.mkdirSync(at("a", "b", "c", "d"), { recursive: true });
    fs.writeFileSync(at("a", "b", "c", "d", "file"), "deeper");
    expect(size("a/b/c/d/file")).toBe(6);
    fs.renameSync(at("a"), at("a-old"));
    expect(size("a/b/file")).toBe(-errno.noent);
    expect(size("a/b/c/d/file")).toBe(-errno.noent);
    fs.mkdirSync(at("a", "b", "c", "d"), { recursive: true });
    fs.writeFileSync(at("a", "b", "c", "d", "file"), "x");
    expect(size("a/b/c/d/file")).toBe(1);
  });

  it("a host-side rename onto the walked directory itself between calls is seen", () => {
    fs.mkdirSync(at("e", "f"), { recursive: true });
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    expect(size("e/f/file")).toBe(-errno.noent);
    fs.mkdirSync(at("replacement"));
    fs.writeFileSync(at("replacement", "file"), "replaced");
    // Over an empty directory: the old e/f goes without being removed or moved first.
    fs.renameSync(at("replacement"), at("e", "f"));
    expect(size("e/f/file")).toBe(8);
  });

  it("a host-side rmdir and mkdir of the walked directory between calls is seen", () => {
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    expect(size("a/b/file")).toBe(5);
    fs.rmSync(at("a", "b"), { recursive: true });
    expect(size("a/b/file")).toBe(-errno.noent);
    fs.mkdirSync(at("a", "b"));
    fs.writeFileSync(at("a", "b", "file"), "123");
    expect(size("a/b/file")).toBe(3);
  });

  it("files created and removed below a walked directory are seen as they are", () => {
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    for (let i = 0; i < 20; i++) {
      expect(size("a/b/churn")).toBe(-errno.noent);
      fs.writeFileSync(at("a", "b", "churn"), "x".repeat(i + 1));
      expect(size("a/b/churn")).toBe(i + 1);
      expect(call(h.imports.path_unlink_file, "a/b/churn")).toBe(errno.success);
    }
  });

  it("a root the guest moved does not reach what was moved into its old place", () => {
    // fd 3 is the sandbox; the guest opens `inner` as a directory fd and walks `a` below it.
    fs.mkdirSync(at("inner", "a"), { recursive: true });
    fs.writeFileSync(at("inner", "a", "file"), "inner a");
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    const [error, inner] = h.open(3, "inner", { oflags: OFLAGS.directory });
    expect(error).toBe(errno.success);
    expect(size("a/file", inner)).toBe(7);
    // Twice: the second call uses the kept handle, and the root's path is known.
    expect(size("a/file", inner)).toBe(7);
    // inner -> inner2, a new inner, and inner2/a moved into it: the fd is inner2, which has no `a` now.
    expect(rename("inner", "inner2")).toBe(errno.success);
    expect(call(h.imports.path_create_directory, "inner")).toBe(errno.success);
    expect(rename("inner2/a", "inner/a")).toBe(errno.success);
    expect(size("a/file", inner)).toBe(-errno.noent);
    expect(size("inner/a/file")).toBe(7);
  });

  it("a directory closed and its host fd reused by another one does not reach what was walked beneath the first", () => {
    fs.mkdirSync(at("c"));
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    const [opened, first] = h.open(3, "a", { oflags: OFLAGS.directory });
    expect(opened).toBe(errno.success);
    expect(size("b/file", first)).toBe(5);
    const before = openFds();
    expect(h.imports.fd_close(first)).toBe(errno.success);
    expect(openFds()).toBeLessThan(before);
    // The lowest free host fd: the one just closed.
    const [reopened, second] = h.open(3, "c", { oflags: OFLAGS.directory });
    expect(reopened).toBe(errno.success);
    expect(size("b/file", second)).toBe(-errno.noent);
    fs.mkdirSync(at("c", "b"));
    fs.writeFileSync(at("c", "b", "file"), "123");
    expect(size("b/file", second)).toBe(3);
  });

  it("stay within their bound however many directories are walked, and close with the host", () => {
    for (let i = 0; i < 150; i++) {
      fs.mkdirSync(at("many", `d${i}`), { recursive: true });
      fs.writeFileSync(at("many", `d${i}`, "f"), "x");
    }
    const before = openFds();
    h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
    let most = 0;
    for (let i = 0; i < 150; i++) {
      expect(size(`many/d${i}/f`)).toBe(1);
      most = Math.max(most, openFds() - before);
    }
    // The preopen (stdio is the embedder's), and at most 64 kept handles; with
    // the addon at most 64 kept directories (KEPT_COUNT in native/beneath.c)
    // and the inotify instance that keeps them fresh.
    expect(most).toBeLessThanOrEqual(mode.nativeResolution ? 1 + 64 + 1 : 1 + 64);
    expect(most).toBeGreaterThan(10);
    h.close();
    expect(openFds()).toBe(before);
  });

  // The kernel frees the marks of walked directories the guest removed late, and closing the
  // inotify instance then waits for it (the addon hands that close to a helper thread); the
  // instance must still be gone when close() returns.
  it("close with the host after the guest removed walked directories, and leave no fd behind", () => {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 8; i++) fs.mkdirSync(at("gone", `d${i}`), { recursive: true });
      const before = openFds();
      h = new Harness({ preopens: [["/sandbox", dir]], nativeResolution: mode.nativeResolution });
      for (let i = 0; i < 8; i++) expect(size(`gone/d${i}/missing`)).toBe(-errno.noent);
      for (let i = 0; i < 8; i++) expect(call(h.imports.path_remove_directory, `gone/d${i}`)).toBe(errno.success);
      h.close();
      expect(openFds()).toBe(before);
    }
  });
});

describe.runIf(linux)("DirectoryHandles", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    [dir, cleanup] = makeTempDir("witx-handles-");
  });
  afterEach(() => cleanup());
  const openDir = () => fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);

  it("keeps at most maxKept between operations, least recently used out first, none while pinned", () => {
    const handles = new DirectoryHandles(2);
    const root = handles.newRoot(openDir());
    handles.keep(root, "x", openDir());
    handles.keep(root, "y", openDir());
    handles.keep(root, "z", openDir());
    // All three are pinned by this operation.
    expect(handles.openCount).toBe(3);
    handles.release();
    expect(handles.openCount).toBe(2);
    expect(handles.lookup(root, "x")).toBeUndefined();
    expect(handles.lookup(root, "y")).toBeDefined();
    handles.release();
    handles.keep(root, "w", openDir());
    handles.release();
    expect([...root.kept.keys()].sort()).toEqual(["w", "y"]);
    handles.close();
    expect(handles.openCount).toBe(0);
    fs.closeSync(root.fd);
  });

  it("closes a replaced handle only when the operation using it ends", () => {
    const handles = new DirectoryHandles();
    const root = handles.newRoot(openDir());
    const first = openDir();
    handles.keep(root, "x", first);
    handles.keep(root, "x", openDir());
    expect(() => fs.fstatSync(first)).not.toThrow();
    handles.release();
    expect(() => fs.fstatSync(first)).toThrow();
    handles.forgetRoot(root);
    expect(handles.openCount).toBe(0);
    fs.closeSync(root.fd);
  });
});
