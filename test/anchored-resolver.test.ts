// The resolution anchored to directory handles (Linux) must give the same
// answer as the host-path resolution it replaces there (resolver.ts, still
// used elsewhere), path for path: the same errno, or the same components,
// trailing slash, final object and link flag. Thousands of generated paths
// over a tree with every kind of symlink, each resolved cold (walked) and
// again warm (through kept handles).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { O_PATH, resolveBeneathHandle, resolveParentBeneathHandle } from "../src/impl/node/anchored-resolver.js";
import { DirectoryHandles } from "../src/impl/node/directory-handles.js";
import { resolveParent, resolvePath, type ResolveOptions } from "../src/impl/node/resolver.js";

const linux = process.platform === "linux" && fs.existsSync("/proc/self/fd");

let parent: string;
let root: string;
const at = (...parts: string[]) => path.join(root, ...parts);

beforeAll(() => {
  parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "anchored-")));
  root = path.join(parent, "root");
  fs.mkdirSync(path.join(parent, "outside"));
  fs.writeFileSync(path.join(parent, "outside", "secret"), "x");
  fs.mkdirSync(at("dir", "sub"), { recursive: true });
  fs.writeFileSync(at("file.txt"), "file");
  fs.writeFileSync(at("dir", "inner.txt"), "inner");
  fs.writeFileSync(at("dir", "sub", "deep.txt"), "deep");
  fs.mkdirSync(at("né日本"));
  fs.writeFileSync(at("né日本", "ü.txt"), "unicode");
  const links: [string, string][] = [
    ["/etc", "link-to-etc"],
    ["..", "link-up"],
    ["dir/inner.txt", "rel-link"],
    ["chain2", "chain1"],
    ["chain3", "chain2"],
    ["file.txt", "chain3"],
    ["loop-b", "loop-a"],
    ["loop-a", "loop-b"],
    ["dir", "dir-link"],
    ["dir/", "dir-link-slash"],
    ["missing", "dangling"],
    ["dir/missing.txt", "dangling-into-dir"],
    ["../outside/secret", "out-file"],
    ["../outside", "out-dir"],
    ["../root/dir", "out-and-back"],
    ["..", "dir/to-parent"],
    ["../dir/inner.txt", "dir/back-in"],
    ["../../..", "dir/sub/escape"],
    ["../sub", "dir/sub/self-via-parent"],
    ["", "dir/empty-target"],
  ];
  for (const [target, name] of links) {
    try {
      fs.symlinkSync(target, at(name));
    } catch {
      // An empty target is refused by some file systems; the rest still run.
    }
  }
});
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

const names = [
  "file.txt",
  "dir",
  "sub",
  "deep.txt",
  "inner.txt",
  "..",
  ".",
  "",
  "link-to-etc",
  "link-up",
  "rel-link",
  "chain1",
  "loop-a",
  "dir-link",
  "dir-link-slash",
  "dangling",
  "dangling-into-dir",
  "out-file",
  "out-dir",
  "out-and-back",
  "to-parent",
  "back-in",
  "escape",
  "self-via-parent",
  "empty-target",
  "missing",
  "né日本",
  "ü.txt",
  "secret",
];

/** Deterministic paths: every name alone and with a trailing "/", then random sequences. */
function guestPaths(): string[] {
  const out: string[] = [];
  for (const name of names) out.push(name, `${name}/`);
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  for (let i = 0; i < 1500; i++) {
    const parts = Array.from({ length: 1 + (next() % 4) }, () => names[next() % names.length]);
    out.push(parts.join("/") + (next() % 5 === 0 ? "/" : ""));
  }
  return out.filter((p) => p.length > 0);
}

function summary(result: ReturnType<typeof resolvePath> | ReturnType<typeof resolveParent>): unknown {
  if (!result.ok) return result.errno;
  const common = { components: result.components.join("/"), trailingSlash: result.trailingSlash };
  if ("finalName" in result) return { ...common, finalName: result.finalName };
  return { ...common, ino: result.finalStat?.ino.toString() ?? null, finalFromLink: result.finalFromLink };
}

describe.runIf(linux)("resolution beneath a handle agrees with resolution from the host path", () => {
  for (const options of [{ followFinalSymlink: true }, { followFinalSymlink: false }] as ResolveOptions[]) {
    it(`for every generated path, cold and through kept handles (follow: ${options.followFinalSymlink})`, () => {
      const handles = new DirectoryHandles();
      const rootFd = fs.openSync(root, O_PATH | fs.constants.O_DIRECTORY);
      const handleRoot = handles.newRoot(rootFd);
      const disagreements: string[] = [];
      const outcomes = new Set<string>();
      try {
        for (const round of ["cold", "warm"]) {
          for (const guestPath of guestPaths()) {
            const expected = summary(resolvePath(root, guestPath, options));
            outcomes.add(typeof expected === "string" ? expected : "ok");
            const actual = summary(resolveBeneathHandle(handles, handleRoot, guestPath, options));
            handles.release();
            if (JSON.stringify(actual) !== JSON.stringify(expected)) {
              disagreements.push(`${round} full ${guestPath}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
            }
            const expectedParent = summary(resolveParent(root, guestPath, options));
            const actualParent = summary(resolveParentBeneathHandle(handles, handleRoot, guestPath, options));
            handles.release();
            if (JSON.stringify(actualParent) !== JSON.stringify(expectedParent)) {
              disagreements.push(`${round} parent ${guestPath}: ${JSON.stringify(actualParent)} vs ${JSON.stringify(expectedParent)}`);
            }
          }
        }
      } finally {
        handles.close();
        fs.closeSync(rootFd);
      }
      expect(disagreements.slice(0, 20)).toEqual([]);
      // The paths reach every kind of answer, not only one.
      expect([...outcomes].sort()).toEqual(expect.arrayContaining(["loop", "noent", "notcapable", "notdir", "ok"]));
    });
  }

  it("a path deeper than the walk may hold open is refused, and nothing stays open", () => {
    let deep = "";
    for (let i = 0; i < 20; i++) deep += "d/";
    fs.mkdirSync(at("deep", deep), { recursive: true });
    const handles = new DirectoryHandles(64, 10);
    const rootFd = fs.openSync(root, O_PATH | fs.constants.O_DIRECTORY);
    const handleRoot = handles.newRoot(rootFd);
    const before = fs.readdirSync("/proc/self/fd").length;
    const result = resolveBeneathHandle(handles, handleRoot, `deep/${deep}x`, { followFinalSymlink: false });
    expect(result.ok ? "ok" : result.errno).toBe("nametoolong");
    handles.release();
    expect(handles.openCount).toBeLessThanOrEqual(64);
    handles.close();
    expect(fs.readdirSync("/proc/self/fd").length).toBe(before);
    fs.closeSync(rootFd);
  });
});
