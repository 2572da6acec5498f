// The openat2 addon (native/beneath.c, src/impl/node/native-beneath.ts)
// against the JavaScript resolution it replaces on Linux: for ~1,700 guest
// paths through directories, files, symlinks (inside, escaping, absolute,
// looping, dangling), ".", "..", empty components and trailing slashes, every
// path call gives the same errno, the same result, and leaves the same tree
// in both modes. The sandbox, race and kept-handle suites run in both modes
// too (test/sandbox-*.test.ts, test/kept-directory-handles.test.ts).
import * as fs from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errno } from "../src/generated/preview1/types.js";
import { nativeBeneath, undecided } from "../src/impl/node/native-beneath.js";
import { Harness, makeTempDir } from "./support/node-host-harness.js";

const linux = process.platform === "linux" && fs.existsSync("/proc/self/fd");
const allRights = (1n << 30n) - 1n;
const lookupFollow = 1;
const oflagsCreat = 1;
const oflagsDirectory = 2;

describe.runIf(linux)("the openat2 addon", () => {
  it("is built by the install step and works on this kernel", () => {
    // `npm ci` builds it (native/build.mjs); this machine kind has the compiler and Linux >= 5.6.
    expect(nativeBeneath()).not.toBeNull();
  });

  it("writes a stat into a BigInt64Array or into its ArrayBuffer alike, and leaves a short buffer undecided", () => {
    const native = nativeBeneath();
    if (native === null) throw new Error("no addon");
    const dir = fs.openSync(".", "r");
    try {
      const typed = new BigInt64Array(8);
      const bytes = new ArrayBuffer(64);
      expect([native.stat(dir, "package.json", false, typed, null), native.stat(dir, "package.json", false, bytes, null)]).toEqual([0, 0]);
      expect([...new BigInt64Array(bytes)]).toEqual([...typed]);
      expect(typed[1]).toBe(fs.statSync("package.json", { bigint: true }).ino);
      expect(native.stat(dir, "package.json", false, new ArrayBuffer(56), null)).toBe(undecided);
    } finally {
      fs.closeSync(dir);
    }
  });

  it("keeps directories from the first path with a directory part until keptClose, and again after it", () => {
    const native = nativeBeneath();
    if (native === null) throw new Error("no addon");
    const [root, cleanup] = makeTempDir("witx-kept-life-");
    fs.mkdirSync(join(root, "a", "b"), { recursive: true });
    fs.writeFileSync(join(root, "a", "b", "file"), "12345");
    const dir = fs.openSync(root, "r");
    const openFds = () => fs.readdirSync("/proc/self/fd").length;
    const out = new ArrayBuffer(64);
    const size = () => Number(new BigInt64Array(out)[4]);
    const kept = native.keptCreate();
    if (kept === null) throw new Error("no kept directories");
    try {
      const before = openFds();
      expect(native.stat(dir, "a", false, out, kept)).toBe(0);
      // A single name needs nothing kept: no inotify instance yet.
      expect(openFds()).toBe(before);
      for (const round of [1, 2]) {
        expect(native.stat(dir, "a/b/file", false, out, kept), `round ${round}`).toBe(0);
        expect(size()).toBe(5);
        // The inotify instance and the kept a/b.
        expect(openFds()).toBe(before + 2);
        native.keptClose(kept);
        expect(openFds()).toBe(before);
      }
    } finally {
      native.keptClose(kept);
      fs.closeSync(dir);
      cleanup();
    }
  });
});

// sandbox/ and its twin outside/, with every kind of entry a path can meet.
function makeTree(root: string): void {
  for (const top of ["sandbox", "outside"]) {
    const base = join(root, top);
    fs.mkdirSync(join(base, "d", "sub"), { recursive: true });
    fs.writeFileSync(join(base, "f"), `${top} f`);
    fs.writeFileSync(join(base, "d", "f"), `${top} d/f`);
  }
  const sandbox = join(root, "sandbox");
  fs.symlinkSync("..", join(sandbox, "d", "up"));
  fs.symlinkSync("../../outside", join(sandbox, "d", "out"));
  fs.symlinkSync("d", join(sandbox, "ln-d"));
  fs.symlinkSync("d/f", join(sandbox, "ln-f"));
  fs.symlinkSync("../outside", join(sandbox, "esc"));
  fs.symlinkSync("/tmp", join(sandbox, "abs"));
  fs.symlinkSync("loop", join(sandbox, "loop"));
  fs.symlinkSync("missing-target", join(sandbox, "dangle"));
}

/** Names, kinds, contents and link texts under `dir`. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const name of fs.readdirSync(join(dir, rel)).sort()) {
      const relName = join(rel, name);
      const stat = fs.lstatSync(join(dir, relName));
      if (stat.isSymbolicLink()) out.push(`${relName} -> ${fs.readlinkSync(join(dir, relName))}`);
      else if (stat.isDirectory()) {
        out.push(`${relName}/`);
        visit(relName);
      } else out.push(`${relName} = ${fs.readFileSync(join(dir, relName), "utf8")}`);
    }
  };
  visit("");
  return out;
}

const names = ["d", "f", "sub", "up", "out", "ln-d", "ln-f", "esc", "abs", "loop", "dangle", "missing", ".", ".."];

function generatedPaths(): string[] {
  const paths = new Set<string>(["", "/", "/f", "d//f", "./d/./f", "d/../f", "ln-d/../f", "d/up/f", "d/up/../f"]);
  for (const a of names) {
    paths.add(a);
    paths.add(`${a}/`);
    for (const b of names) {
      paths.add(`${a}/${b}`);
      paths.add(`${a}/${b}/`);
      if (b === "d" || b === "ln-d" || b === "sub" || b === "up") for (const c of names) paths.add(`${a}/${b}/${c}`);
    }
  }
  return [...paths];
}

/** A guest's path calls on fd 3, with fixed scratch addresses: paths at 1024 and 2048, results from 16, buffers at 4096. */
class Calls {
  constructor(readonly h: Harness) {}
  private put(text: string, at: number): number {
    const bytes = new TextEncoder().encode(text);
    this.h.bytes.set(bytes, at);
    return bytes.length;
  }
  stat(path: string, follow: boolean): string {
    const error = this.h.imports.path_filestat_get(3, follow ? lookupFollow : 0, 1024, this.put(path, 1024), 4096);
    if (error !== errno.success) return `errno ${error}`;
    const view = this.h.view;
    return `filetype ${view.getUint8(4096 + 16)} nlink ${view.getBigUint64(4096 + 24, true)} size ${view.getBigUint64(4096 + 32, true)}`;
  }
  open(path: string, follow: boolean, oflags: number): string {
    const error = this.h.imports.path_open(3, follow ? lookupFollow : 0, 1024, this.put(path, 1024), oflags, allRights, allRights, 0, 16);
    if (error !== errno.success) return `errno ${error}`;
    const fd = this.h.u32(16);
    const statError = this.h.imports.fd_filestat_get(fd, 4096);
    const kind = this.h.view.getUint8(4096 + 16);
    this.h.imports.fd_close(fd);
    return `opened ${statError} filetype ${kind}`;
  }
  readlink(path: string): string {
    const error = this.h.imports.path_readlink(3, 1024, this.put(path, 1024), 4096, 64, 16);
    return error === errno.success
      ? `link ${new TextDecoder().decode(this.h.bytes.subarray(4096, 4096 + this.h.u32(16)))}`
      : `errno ${error}`;
  }
  onePath(call: "path_create_directory" | "path_remove_directory" | "path_unlink_file", path: string): number {
    return this.h.imports[call](3, 1024, this.put(path, 1024));
  }
  rename(from: string, to: string): number {
    return this.h.imports.path_rename(3, 1024, this.put(from, 1024), 3, 2048, this.put(to, 2048));
  }
  link(from: string, to: string, follow: boolean): number {
    return this.h.imports.path_link(3, follow ? lookupFollow : 0, 1024, this.put(from, 1024), 3, 2048, this.put(to, 2048));
  }
  symlink(target: string, path: string): number {
    return this.h.imports.path_symlink(1024, this.put(target, 1024), 3, 2048, this.put(path, 2048));
  }
}

const modes = [
  { name: "addon", nativeResolution: true },
  { name: "javascript", nativeResolution: false },
] as const;

describe.runIf(linux)("the addon answers as the JavaScript resolution does", () => {
  const paths = generatedPaths();
  let root: string;
  let cleanup: () => void;
  beforeAll(() => {
    [root, cleanup] = makeTempDir("witx-native-diff-");
  });
  afterAll(() => cleanup());

  /** Runs `act` in a fresh tree per mode; the answers and the trees after must match. */
  function compare(act: (calls: Calls) => string[]): void {
    const outcomes = modes.map((mode) => {
      const tree = join(root, mode.name);
      fs.rmSync(tree, { recursive: true, force: true });
      makeTree(tree);
      const h = new Harness({ preopens: [["/sandbox", join(tree, "sandbox")]], nativeResolution: mode.nativeResolution });
      try {
        return { answers: act(new Calls(h)), tree: snapshot(tree) };
      } finally {
        h.close();
      }
    });
    const [addon, javascript] = outcomes;
    expect(addon.answers.length).toBeGreaterThan(0);
    // Only the answers that differ, side by side, so a failure names the path.
    const differing = addon.answers.flatMap((answer, index) =>
      answer === javascript.answers[index] ? [] : [`addon ${answer} / javascript ${javascript.answers[index]}`],
    );
    expect(differing).toEqual([]);
    expect(addon.tree).toEqual(javascript.tree);
  }

  it(`looks up ${paths.length} paths alike: stat, open (file, directory, following or not), readlink`, () => {
    compare((calls) =>
      paths.map((path) =>
        [
          path,
          calls.stat(path, true),
          calls.stat(path, false),
          calls.open(path, true, 0),
          calls.open(path, false, 0),
          calls.open(path, true, oflagsDirectory),
          calls.open(path, false, oflagsDirectory),
          calls.readlink(path),
        ].join(" | "),
      ),
    );
  }, 60_000);

  // The changing calls run each path in a tree of their own: a sample of the paths, every kind of entry among them.
  const sample = paths.filter((_, index) => index % 12 === 0);
  const changing: [string, (calls: Calls, path: string) => string][] = [
    ["mkdir", (calls, path) => String(calls.onePath("path_create_directory", path))],
    ["rmdir", (calls, path) => String(calls.onePath("path_remove_directory", path))],
    ["unlink", (calls, path) => String(calls.onePath("path_unlink_file", path))],
    ["rename from", (calls, path) => String(calls.rename(path, "renamed"))],
    ["rename to", (calls, path) => String(calls.rename("d/f", path))],
    ["link from (following)", (calls, path) => String(calls.link(path, "linked", true))],
    ["link from", (calls, path) => String(calls.link(path, "linked", false))],
    ["link to", (calls, path) => String(calls.link("f", path, false))],
    ["symlink", (calls, path) => String(calls.symlink("d/f", path))],
    ["create", (calls, path) => calls.open(path, true, oflagsCreat)],
  ];
  for (const [name, act] of changing) {
    it(`${name}: the same errno and the same tree after, for ${sample.length} paths`, () => {
      for (const path of sample) compare((calls) => [`${path}: ${act(calls, path)}`]);
    }, 60_000);
  }
});
