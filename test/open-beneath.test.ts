import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openBeneath, type Confinement, type OpenBeneathResult } from "../src/impl/node/open-beneath.js";
import { resolveParent, resolvePath } from "../src/impl/node/resolver.js";

// The host-path resolution (other platforms); the handle one runs through the host tests.
function byPath(dir: string): Confinement {
  return { parent: (p, o) => resolveParent(dir, p, o), full: (p, o) => resolvePath(dir, p, o) };
}

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_DIRECTORY } = fs.constants;
const follow = { followFinalSymlink: true };
const noFollow = { followFinalSymlink: false };

let root: string;
const at = (...parts: string[]) => path.join(root, ...parts);

// Runs `check` on the opened descriptor and closes it; fails on an errno.
function withOpened(result: OpenBeneathResult, check: (fd: number, hostPath: string) => void): void {
  if (!result.ok) throw new Error(`expected an open, got errno ${result.errno}`);
  try {
    check(result.fd, result.hostPath);
  } finally {
    fs.closeSync(result.fd);
  }
}
function readAll(fd: number): string {
  return fs.readFileSync(fd, "utf8");
}
function errnoOf(result: OpenBeneathResult): string {
  if (result.ok) {
    fs.closeSync(result.fd);
    return `opened ${result.hostPath}`;
  }
  return result.errno;
}

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "open-beneath-")));
  fs.writeFileSync(at("file.txt"), "file");
  fs.mkdirSync(at("dir", "sub"), { recursive: true });
  fs.writeFileSync(at("dir", "sub", "deep.txt"), "deep");
  fs.symlinkSync("dir/sub/deep.txt", at("deep-link"));
  fs.symlinkSync("dir", at("dir-link"));
  fs.symlinkSync("/etc/passwd", at("passwd-link"));
  fs.symlinkSync("../../outside", at("dir", "up-link"));
  fs.symlinkSync("created-through-link", at("dangling"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("openBeneath", () => {
  it("opens a one-component path", () => {
    withOpened(openBeneath(byPath(root), "file.txt", O_RDONLY, 0, follow), (fd, hostPath) => {
      expect(hostPath).toBe(at("file.txt"));
      expect(readAll(fd)).toBe("file");
    });
  });

  it("opens a nested path", () => {
    withOpened(openBeneath(byPath(root), "dir/sub/deep.txt", O_RDONLY, 0, noFollow), (fd) => {
      expect(readAll(fd)).toBe("deep");
    });
  });

  it("opens the directory itself for .", () => {
    withOpened(openBeneath(byPath(root), ".", O_RDONLY | O_DIRECTORY, 0, noFollow), (fd, hostPath) => {
      expect(hostPath).toBe(root);
      expect(fs.fstatSync(fd).isDirectory()).toBe(true);
    });
  });

  it("follows a final symlink inside the directory when asked", () => {
    withOpened(openBeneath(byPath(root), "deep-link", O_RDONLY, 0, follow), (fd, hostPath) => {
      expect(hostPath).toBe(at("dir", "sub", "deep.txt"));
      expect(readAll(fd)).toBe("deep");
    });
  });

  it("refuses a final symlink with loop when not following", () => {
    expect(errnoOf(openBeneath(byPath(root), "deep-link", O_RDONLY, 0, noFollow))).toBe("loop");
  });

  it("refuses symlinks that lead outside with notcapable", () => {
    expect(errnoOf(openBeneath(byPath(root), "passwd-link", O_RDONLY, 0, follow))).toBe("notcapable");
    expect(errnoOf(openBeneath(byPath(root), "dir/up-link", O_RDONLY, 0, follow))).toBe("notcapable");
    expect(errnoOf(openBeneath(byPath(root), "../x", O_RDONLY, 0, follow))).toBe("notcapable");
  });

  it("creates a new file inside the directory", () => {
    withOpened(openBeneath(byPath(root), "dir/new.txt", O_WRONLY | O_CREAT | O_EXCL, 0o644, noFollow), (fd) => {
      fs.writeSync(fd, "new");
    });
    expect(fs.readFileSync(at("dir", "new.txt"), "utf8")).toBe("new");
  });

  it("opens a dangling symlink without O_CREAT as noent", () => {
    expect(errnoOf(openBeneath(byPath(root), "dangling", O_RDONLY, 0, follow))).toBe("noent");
    expect(fs.existsSync(at("created-through-link"))).toBe(false);
  });

  it("creates the target of a dangling symlink with O_CREAT only when following and not O_EXCL", () => {
    expect(errnoOf(openBeneath(byPath(root), "dangling", O_WRONLY | O_CREAT, 0o644, noFollow))).toBe("loop");
    expect(errnoOf(openBeneath(byPath(root), "dangling", O_WRONLY | O_CREAT | O_EXCL, 0o644, follow))).toBe("exist");
    expect(fs.existsSync(at("created-through-link"))).toBe(false);
    try {
      withOpened(openBeneath(byPath(root), "dangling", O_WRONLY | O_CREAT, 0o644, follow), (fd, hostPath) => {
        expect(hostPath).toBe(at("created-through-link"));
        fs.writeSync(fd, "via link");
      });
      expect(fs.readFileSync(at("created-through-link"), "utf8")).toBe("via link");
      expect(fs.lstatSync(at("dangling")).isSymbolicLink()).toBe(true);
    } finally {
      fs.rmSync(at("created-through-link"), { force: true });
    }
  });

  it("reports a missing file as noent", () => {
    expect(errnoOf(openBeneath(byPath(root), "dir/missing", O_RDONLY, 0, follow))).toBe("noent");
  });

  it("a trailing slash opens a directory, following a final link", () => {
    withOpened(openBeneath(byPath(root), "dir-link/", O_RDONLY, 0, noFollow), (fd, hostPath) => {
      expect(hostPath).toBe(at("dir"));
      expect(fs.fstatSync(fd).isDirectory()).toBe(true);
    });
  });

  it("a trailing slash on a file is notdir, and with O_CREAT isdir", () => {
    expect(errnoOf(openBeneath(byPath(root), "file.txt/", O_RDONLY, 0, follow))).toBe("notdir");
    expect(errnoOf(openBeneath(byPath(root), "other/", O_WRONLY | O_CREAT, 0o644, follow))).toBe("isdir");
  });

  it("O_DIRECTORY through a followed link to a directory opens it", () => {
    withOpened(openBeneath(byPath(root), "dir-link", O_RDONLY | O_DIRECTORY, 0, follow), (_fd, hostPath) => {
      expect(hostPath).toBe(at("dir"));
    });
  });

  it("O_DIRECTORY on a regular file is notdir", () => {
    expect(errnoOf(openBeneath(byPath(root), "file.txt", O_RDONLY | O_DIRECTORY, 0, follow))).toBe("notdir");
  });
});

// The root is a sandbox next to an outside directory, so a link can point at
// a missing name just outside it.
describe("openBeneath with O_CREAT through a dangling symlink that leaves the root", () => {
  let parent: string;
  let sandbox: string;
  let outside: string;

  beforeAll(() => {
    parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "open-beneath-dangling-")));
    sandbox = path.join(parent, "sandbox");
    outside = path.join(parent, "outside");
    fs.mkdirSync(path.join(sandbox, "dir"), { recursive: true });
    fs.mkdirSync(outside);
    fs.symlinkSync("../outside/x", path.join(sandbox, "up"));
    fs.symlinkSync("../../outside/x", path.join(sandbox, "dir", "upup"));
    fs.symlinkSync(path.join(outside, "abs"), path.join(sandbox, "absolute"));
    fs.symlinkSync("dir/../../outside/x", path.join(sandbox, "through-dir"));
  });
  afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

  for (const [name, guestPath] of [
    ["a relative target climbing out", "up"],
    ["a target climbing out from a subdirectory", "dir/upup"],
    ["an absolute target", "absolute"],
    ["a target that descends, then climbs out", "through-dir"],
  ]) {
    it(`${name} is notcapable and creates nothing outside`, () => {
      expect(errnoOf(openBeneath(byPath(sandbox), guestPath, O_WRONLY | O_CREAT, 0o644, follow))).toBe("notcapable");
      expect(fs.readdirSync(outside)).toEqual([]);
    });
  }
});
