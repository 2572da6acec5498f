import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  resolveParent,
  resolvePath,
  verifySameFile,
  type ResolveOptions,
  type ResolveResult,
  type Resolved,
} from "../src/impl/node/resolver.js";

const follow: ResolveOptions = { followFinalSymlink: true };
const noFollow: ResolveOptions = { followFinalSymlink: false };

let root: string;
const at = (...parts: string[]) => path.join(root, ...parts);

function expectResolved(result: ResolveResult): Resolved {
  if (!result.ok) throw new Error(`expected success, got errno ${result.errno}`);
  return result;
}
function errnoOf(result: ResolveResult | ReturnType<typeof resolveParent>): string {
  return result.ok ? `ok:${result.hostPath}` : result.errno;
}

// root/
//   file.txt, dir/{inner.txt, sub/deep.txt}, né日本/ü.txt
//   symlinks: see below
beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "resolver-")));
  fs.writeFileSync(at("file.txt"), "file");
  fs.mkdirSync(at("dir", "sub"), { recursive: true });
  fs.writeFileSync(at("dir", "inner.txt"), "inner");
  fs.writeFileSync(at("dir", "sub", "deep.txt"), "deep");
  fs.mkdirSync(at("né日本"));
  fs.writeFileSync(at("né日本", "ü.txt"), "unicode");

  fs.symlinkSync("/etc", at("link-to-etc"));
  fs.symlinkSync("..", at("link-up"));
  fs.symlinkSync("dir/inner.txt", at("rel-link"));
  fs.symlinkSync("chain2", at("chain1"));
  fs.symlinkSync("chain3", at("chain2"));
  fs.symlinkSync("file.txt", at("chain3"));
  fs.symlinkSync("loop-b", at("loop-a"));
  fs.symlinkSync("loop-a", at("loop-b"));
  fs.symlinkSync("dir", at("dir-link"));
  fs.symlinkSync("dir/", at("dir-link-slash"));
  fs.symlinkSync("missing", at("dangling"));
  fs.symlinkSync("dir/missing.txt", at("dangling-into-dir"));
  fs.symlinkSync("../missing-outside", at("dangling-out"));
  fs.symlinkSync("/nonexistent-absolute", at("dangling-abs"));
  fs.symlinkSync("../../missing-outside", at("dir", "dangling-upup"));
  fs.symlinkSync("file.txt", at("file-link"));
  fs.symlinkSync("..", at("dir", "to-parent"));
  fs.symlinkSync("../dir/inner.txt", at("dir", "back-in"));
  fs.symlinkSync("../../..", at("dir", "sub", "escape"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("plain paths", () => {
  it("a single component resolves to root/name with its lstat", () => {
    const r = expectResolved(resolvePath(root, "file.txt", follow));
    expect(r.hostPath).toBe(at("file.txt"));
    expect(r.components).toEqual(["file.txt"]);
    expect(r.trailingSlash).toBe(false);
    expect(r.finalStat?.isFile()).toBe(true);
    expect(r.finalStat?.ino).toBe(fs.statSync(at("file.txt"), { bigint: true }).ino);
  });

  it("nested components resolve through each directory", () => {
    const r = expectResolved(resolvePath(root, "dir/sub/deep.txt", follow));
    expect(r.hostPath).toBe(at("dir", "sub", "deep.txt"));
    expect(r.components).toEqual(["dir", "sub", "deep.txt"]);
  });

  it("empty and . components are skipped", () => {
    for (const guest of ["dir//sub///deep.txt", "./dir/./sub/deep.txt", ".//dir/sub/./deep.txt"]) {
      const r = expectResolved(resolvePath(root, guest, follow));
      expect(r.hostPath, guest).toBe(at("dir", "sub", "deep.txt"));
      expect(r.components, guest).toEqual(["dir", "sub", "deep.txt"]);
    }
  });

  it(". names the root directory itself", () => {
    const r = expectResolved(resolvePath(root, ".", follow));
    expect(r.hostPath).toBe(root);
    expect(r.components).toEqual([]);
    expect(r.finalStat?.isDirectory()).toBe(true);
  });

  it("a missing final component resolves with a null stat (for creation)", () => {
    const r = expectResolved(resolvePath(root, "dir/new.txt", follow));
    expect(r.hostPath).toBe(at("dir", "new.txt"));
    expect(r.components).toEqual(["dir", "new.txt"]);
    expect(r.finalStat).toBeNull();
  });

  it('a missing final component with a trailing slash resolves (mkdir "new/")', () => {
    const r = expectResolved(resolvePath(root, "newdir/", follow));
    expect(r.hostPath).toBe(at("newdir"));
    expect(r.trailingSlash).toBe(true);
    expect(r.finalStat).toBeNull();
  });

  it("a missing intermediate component is noent", () => {
    expect(errnoOf(resolvePath(root, "nodir/x", follow))).toBe("noent");
    expect(errnoOf(resolvePath(root, "newdir/.", follow))).toBe("noent");
  });

  it("a file used as an intermediate directory is notdir", () => {
    expect(errnoOf(resolvePath(root, "file.txt/x", follow))).toBe("notdir");
    expect(errnoOf(resolvePath(root, "file.txt/..", follow))).toBe("notdir");
  });

  it("non-ASCII names resolve to the same host names", () => {
    const r = expectResolved(resolvePath(root, "né日本/ü.txt", follow));
    expect(r.hostPath).toBe(at("né日本", "ü.txt"));
    expect(fs.readFileSync(r.hostPath, "utf8")).toBe("unicode");
  });
});

describe("rejected paths", () => {
  it("the empty path is noent", () => {
    expect(errnoOf(resolvePath(root, "", follow))).toBe("noent");
  });

  it("a NUL byte is inval", () => {
    expect(errnoOf(resolvePath(root, "file\0.txt", follow))).toBe("inval");
    expect(errnoOf(resolvePath(root, "dir/\0", follow))).toBe("inval");
  });

  it("an absolute path is notcapable", () => {
    expect(errnoOf(resolvePath(root, "/etc/passwd", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(root, "/", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(root, `${root}/file.txt`, follow))).toBe("notcapable");
  });

  it("a component over 255 UTF-8 bytes is nametoolong", () => {
    expect(errnoOf(resolvePath(root, "a".repeat(256), follow))).toBe("nametoolong");
    expect(errnoOf(resolvePath(root, `dir/${"b".repeat(300)}/x`, follow))).toBe("nametoolong");
    // 128 two-byte characters: 128 UTF-16 units but 256 bytes.
    expect(errnoOf(resolvePath(root, "é".repeat(128), follow))).toBe("nametoolong");
  });

  it("a component of exactly 255 bytes is accepted", () => {
    const r = expectResolved(resolvePath(root, `${"é".repeat(127)}x`, follow));
    expect(r.finalStat).toBeNull();
  });

  it("by default accepts 4096 bytes, the host's maxPathBytes, and refuses 4097", () => {
    const at4096 = `${"./".repeat(2043)}file.txt${"/".repeat(2)}`;
    expect(Buffer.byteLength(at4096)).toBe(4096);
    expect(errnoOf(resolvePath(root, at4096, follow))).not.toBe("nametoolong");
    expect(errnoOf(resolvePath(root, `${at4096}/`, follow))).toBe("nametoolong");
  });

  it("a path over maxPathBytes is nametoolong", () => {
    expect(errnoOf(resolvePath(root, "d/".repeat(2100), follow))).toBe("nametoolong");
    expect(errnoOf(resolvePath(root, "dir/sub/deep.txt", { ...follow, maxPathBytes: 10 }))).toBe("nametoolong");
  });
});

describe("dot-dot stays inside the directory", () => {
  it(".. chains that stay inside resolve physically", () => {
    expect(expectResolved(resolvePath(root, "dir/../file.txt", follow)).hostPath).toBe(at("file.txt"));
    const r = expectResolved(resolvePath(root, "dir/sub/../../dir/sub/../inner.txt", follow));
    expect(r.hostPath).toBe(at("dir", "inner.txt"));
    expect(r.components).toEqual(["dir", "inner.txt"]);
  });

  it("dir/.. names the root itself", () => {
    const r = expectResolved(resolvePath(root, "dir/..", follow));
    expect(r.hostPath).toBe(root);
    expect(r.components).toEqual([]);
  });

  it("climbing above the root is notcapable", () => {
    expect(errnoOf(resolvePath(root, "..", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(root, "../x", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(root, "dir/../..", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(root, "dir/sub/../../../x", follow))).toBe("notcapable");
  });

  it("leaving and re-entering the root by name is still notcapable", () => {
    const back = `../${path.basename(root)}/file.txt`;
    expect(errnoOf(resolvePath(root, back, follow))).toBe("notcapable");
  });

  it("a directory fd deep inside a preopen cannot climb above itself", () => {
    const deep = at("dir", "sub");
    expect(errnoOf(resolvePath(deep, "..", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(deep, "../inner.txt", follow))).toBe("notcapable");
    expect(expectResolved(resolvePath(deep, "deep.txt", follow)).hostPath).toBe(at("dir", "sub", "deep.txt"));
  });
});

describe("symlinks", () => {
  it("a symlink to an absolute path is notcapable when followed", () => {
    expect(errnoOf(resolvePath(root, "link-to-etc", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(root, "link-to-etc/passwd", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(root, "link-to-etc/passwd", noFollow))).toBe("notcapable");
  });

  it("without follow the final symlink is named itself, wherever it points", () => {
    const r = expectResolved(resolvePath(root, "link-to-etc", noFollow));
    expect(r.hostPath).toBe(at("link-to-etc"));
    expect(r.finalStat?.isSymbolicLink()).toBe(true);
  });

  it("a symlink to .. at the root is notcapable", () => {
    expect(errnoOf(resolvePath(root, "link-up", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(root, "link-up/file.txt", noFollow))).toBe("notcapable");
  });

  it("a symlink whose .. climbs out from a subdirectory is notcapable", () => {
    expect(errnoOf(resolvePath(root, "dir/sub/escape", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(root, "dir/sub/escape/etc", noFollow))).toBe("notcapable");
  });

  it("a relative symlink inside resolves to its target's components", () => {
    const r = expectResolved(resolvePath(root, "rel-link", follow));
    expect(r.hostPath).toBe(at("dir", "inner.txt"));
    expect(r.components).toEqual(["dir", "inner.txt"]);
    expect(r.finalStat?.isFile()).toBe(true);
  });

  it("a symlink to .. inside the root is followed within it", () => {
    const r = expectResolved(resolvePath(root, "dir/to-parent/file.txt", follow));
    expect(r.hostPath).toBe(at("file.txt"));
    expect(r.components).toEqual(["file.txt"]);
  });

  it("confinement is per directory fd: the same link escapes from a deeper root", () => {
    expect(expectResolved(resolvePath(root, "dir/back-in", follow)).hostPath).toBe(at("dir", "inner.txt"));
    expect(errnoOf(resolvePath(at("dir"), "back-in", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(at("dir"), "to-parent/file.txt", follow))).toBe("notcapable");
  });

  it("a chain of symlinks is followed, counting each hop", () => {
    expect(expectResolved(resolvePath(root, "chain1", follow)).hostPath).toBe(at("file.txt"));
    expect(expectResolved(resolvePath(root, "chain1", { ...follow, maxSymlinkHops: 3 })).hostPath).toBe(at("file.txt"));
    expect(errnoOf(resolvePath(root, "chain1", { ...follow, maxSymlinkHops: 2 }))).toBe("loop");
  });

  it("a symlink loop is loop when followed, and the link itself when not", () => {
    expect(errnoOf(resolvePath(root, "loop-a", follow))).toBe("loop");
    expect(errnoOf(resolvePath(root, "loop-a/x", noFollow))).toBe("loop");
    const r = expectResolved(resolvePath(root, "loop-a", noFollow));
    expect(r.finalStat?.isSymbolicLink()).toBe(true);
  });

  it("a symlinked directory in the middle is expanded, and .. after it is physical", () => {
    const r = expectResolved(resolvePath(root, "dir-link/sub/deep.txt", noFollow));
    expect(r.hostPath).toBe(at("dir", "sub", "deep.txt"));
    expect(r.components).toEqual(["dir", "sub", "deep.txt"]);
    expect(expectResolved(resolvePath(root, "dir-link/../file.txt", follow)).hostPath).toBe(at("file.txt"));
  });

  it("a followed dangling symlink resolves to its missing target, like a missing name", () => {
    const r = expectResolved(resolvePath(root, "dangling", follow));
    expect(r.hostPath).toBe(at("missing"));
    expect(r.components).toEqual(["missing"]);
    expect(r.finalStat).toBeNull();
    expect(r.finalFromLink).toBe(true);
    const nested = expectResolved(resolvePath(root, "dangling-into-dir", follow));
    expect(nested.hostPath).toBe(at("dir", "missing.txt"));
    expect(nested.finalStat).toBeNull();
    expect(fs.existsSync(at("missing"))).toBe(false);
  });

  it("a dangling symlink not followed is the link itself", () => {
    const r = expectResolved(resolvePath(root, "dangling", noFollow));
    expect(r.hostPath).toBe(at("dangling"));
    expect(r.finalStat?.isSymbolicLink()).toBe(true);
    expect(r.finalFromLink).toBe(false);
  });

  it("a missing name not reached through a link is not marked as from a link", () => {
    const r = expectResolved(resolvePath(root, "no-such-name", follow));
    expect(r.finalStat).toBeNull();
    expect(r.finalFromLink).toBe(false);
  });

  it("a dangling symlink whose target is outside or absolute stays notcapable", () => {
    expect(errnoOf(resolvePath(root, "dangling-out", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(root, "dir/dangling-upup", follow))).toBe("notcapable");
    expect(errnoOf(resolvePath(root, "dangling-abs", follow))).toBe("notcapable");
    // From dir as the root, even a link that would land inside the parent escapes.
    expect(errnoOf(resolvePath(at("dir"), "dangling-upup", follow))).toBe("notcapable");
  });

  it("a trailing slash on a file is notdir, also through a symlink", () => {
    expect(errnoOf(resolvePath(root, "file.txt/", follow))).toBe("notdir");
    expect(errnoOf(resolvePath(root, "file.txt/.", follow))).toBe("notdir");
    expect(errnoOf(resolvePath(root, "file-link/", noFollow))).toBe("notdir");
  });

  it("a trailing slash forces following the final symlink", () => {
    const r = expectResolved(resolvePath(root, "dir-link/", noFollow));
    expect(r.hostPath).toBe(at("dir"));
    expect(r.trailingSlash).toBe(true);
    expect(r.finalStat?.isDirectory()).toBe(true);
  });

  it("a trailing slash in the final link's target makes the result a directory", () => {
    const r = expectResolved(resolvePath(root, "dir-link-slash", follow));
    expect(r.hostPath).toBe(at("dir"));
    expect(r.trailingSlash).toBe(true);
  });
});

describe("resolveParent", () => {
  it("returns the last component unexamined, even a symlink that leads outside", () => {
    const r = resolveParent(root, "link-to-etc", {});
    expect(r).toEqual({
      ok: true,
      hostPath: at("link-to-etc"),
      components: ["link-to-etc"],
      trailingSlash: false,
      finalName: "link-to-etc",
    });
  });

  it("checks the components before the last one like resolvePath", () => {
    expect(errnoOf(resolveParent(root, "link-to-etc/passwd", {}))).toBe("notcapable");
    expect(errnoOf(resolveParent(root, "file.txt/x", {}))).toBe("notdir");
    expect(errnoOf(resolveParent(root, "nodir/x", {}))).toBe("noent");
    expect(errnoOf(resolveParent(root, "../x", {}))).toBe("notcapable");
    const r = resolveParent(root, "dir-link/sub/anything", {});
    expect(r.ok && r.hostPath).toBe(at("dir", "sub", "anything"));
    expect(r.ok && r.finalName).toBe("anything");
  });

  it("names an already checked directory with finalName null", () => {
    const r = resolveParent(root, "dir/sub/..", {});
    expect(r.ok && r.hostPath).toBe(at("dir"));
    expect(r.ok && r.finalName).toBeNull();
    expect(resolveParent(root, ".", {})).toMatchObject({ ok: true, hostPath: root, finalName: null });
  });

  it("reports a trailing slash for the caller to enforce", () => {
    expect(resolveParent(root, "file.txt/", {})).toMatchObject({ ok: true, trailingSlash: true, finalName: "file.txt" });
  });
});

describe("a directory fd whose path was replaced", () => {
  it("expectedRoot refuses a root renamed away and replaced by a symlink", () => {
    const box = fs.mkdtempSync(path.join(root, "box-"));
    const sub = path.join(box, "sub");
    fs.mkdirSync(sub);
    const identity = fs.statSync(sub, { bigint: true });
    const withIdentity = { ...follow, expectedRoot: identity };
    expect(resolvePath(sub, "anything", withIdentity).ok).toBe(true);

    fs.renameSync(sub, path.join(box, "moved"));
    fs.symlinkSync("/etc", sub);
    expect(errnoOf(resolvePath(sub, "passwd", withIdentity))).toBe("notcapable");
    // Without the identity check the stale string would lead out of the sandbox:
    // this is why non-preopen directory fds must pass expectedRoot.
    expect(resolvePath(sub, "passwd", follow).ok).toBe(true);
  });

  it("expectedRoot refuses a different directory at the same path", () => {
    const box = fs.mkdtempSync(path.join(root, "box-"));
    const sub = path.join(box, "sub");
    fs.mkdirSync(sub);
    const identity = fs.statSync(sub, { bigint: true });
    // Renamed, not removed: the first directory keeps its inode, so the new one cannot reuse it.
    fs.renameSync(sub, path.join(box, "first"));
    fs.mkdirSync(sub);
    expect(errnoOf(resolvePath(sub, "x", { ...follow, expectedRoot: identity }))).toBe("notcapable");
  });
});

describe.skipIf(process.platform === "win32" || process.getuid?.() === 0)("permissions", () => {
  it("an unsearchable intermediate directory reports acces", () => {
    const locked = fs.mkdtempSync(path.join(root, "locked-"));
    fs.mkdirSync(path.join(locked, "inner"));
    fs.chmodSync(locked, 0o000);
    try {
      expect(errnoOf(resolvePath(root, `${path.basename(locked)}/inner/x`, follow))).toBe("acces");
    } finally {
      fs.chmodSync(locked, 0o700);
    }
  });
});

describe("verifySameFile", () => {
  it("accepts the file that was resolved and rejects another or a closed fd", () => {
    const r = expectResolved(resolvePath(root, "dir/inner.txt", follow));
    const fd = fs.openSync(r.hostPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const other = fs.openSync(at("file.txt"), "r");
    try {
      expect(verifySameFile(r.finalStat!, fd)).toBe(true);
      expect(verifySameFile(r.finalStat!, other)).toBe(false);
    } finally {
      fs.closeSync(fd);
      fs.closeSync(other);
    }
    expect(verifySameFile(r.finalStat!, fd)).toBe(false);
  });

  it("detects a file swapped in between resolution and open", () => {
    const box = fs.mkdtempSync(path.join(root, "swap-"));
    fs.writeFileSync(path.join(box, "target"), "original");
    fs.writeFileSync(path.join(box, "replacement"), "swapped");
    const r = expectResolved(resolvePath(box, "target", follow));
    fs.renameSync(path.join(box, "replacement"), path.join(box, "target"));
    const fd = fs.openSync(r.hostPath, "r");
    try {
      expect(verifySameFile(r.finalStat!, fd)).toBe(false);
    } finally {
      fs.closeSync(fd);
    }
  });
});
