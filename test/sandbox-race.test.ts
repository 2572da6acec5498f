// A component of a guest path swapped for a symlink to the outside while the
// host works on it: between two calls, at every point inside one call, and
// from another process flipping it as fast as it can. SECURITY.md describes
// the model these check: on Linux every lookup starts from a directory handle
// the host holds and never follows the name it looks up, so no swap can
// redirect a call. Each race is played on every intermediate component of
// `a/b/<final>` and on the final one, for open, stat, unlink, rename,
// readlink, mkdir and symlink, and for open and stat through `..`.
//
// On Linux the host resolves in one of two ways (SECURITY.md): with the openat2
// addon (native/beneath.c), where the kernel confines each whole walk, or, when
// the addon is missing, with the JavaScript walk through handles. The races
// between calls and against another process run in both; the swap injected
// before each node:fs call can only reach the JavaScript walk (the addon makes
// no node:fs calls to race, and the kernel walk is atomic).
import { spawn } from "node:child_process";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WASI } from "../src/wasi/wasi.js";

const secret = "SECRET-OUTSIDE-RACE";
const outsideLinkText = "OUTSIDE-LINK-TARGET";
const linux = process.platform === "linux" && fs.existsSync("/proc/self/fd");

interface Guest {
  /** Opens `path` under `dirFd` (following links) and returns [errno, content]. */
  read(dirFd: number, path: string): [number, string];
  /** Opens a directory; returns [errno, fd]. */
  openDirectory(dirFd: number, path: string): [number, number];
  /** path_filestat_get; returns [errno, ino]. */
  stat(dirFd: number, path: string, follow: boolean): [number, bigint];
  unlink(dirFd: number, path: string): number;
  rename(dirFd: number, from: string, to: string): number;
  /** path_readlink; returns [errno, text]. */
  readlink(dirFd: number, path: string): [number, string];
  mkdir(dirFd: number, path: string): number;
  symlink(target: string, dirFd: number, path: string): number;
  close(): void;
}

type Resolution = "addon" | "javascript";
const resolutions: readonly Resolution[] = ["addon", "javascript"];

/** A guest on the WASI class as embedders make it; WITX_WASI_NATIVE=0 is how they turn the addon off. */
function guestOver(sandbox: string, resolution: Resolution): Guest {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const saved = process.env.WITX_WASI_NATIVE;
  if (resolution === "javascript") process.env.WITX_WASI_NATIVE = "0";
  else delete process.env.WITX_WASI_NATIVE;
  let wasi: WASI;
  try {
    wasi = new WASI({ version: "preview1", preopens: { "/sandbox": sandbox }, returnOnExit: true });
  } finally {
    if (saved === undefined) delete process.env.WITX_WASI_NATIVE;
    else process.env.WITX_WASI_NATIVE = saved;
  }
  wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
  const imports = wasi.wasiImport as unknown as Record<string, (...args: (number | bigint)[]) => number>;
  const bytes = () => new Uint8Array(memory.buffer);
  const view = () => new DataView(memory.buffer);
  const call = (name: string, ...args: (number | bigint)[]) => imports[name](...args);
  // Strings go to 1024 (first) and 1536 (second); results from 16 on, buffers at 2048.
  const put = (text: string, at: number): number => {
    const encoded = new TextEncoder().encode(text);
    bytes().set(encoded, at);
    return encoded.length;
  };
  const allRights = (1n << 30n) - 1n;
  const open = (dirFd: number, path: string, oflags: number): [number, number] => {
    const length = put(path, 1024);
    const error = call("path_open", dirFd, 1, 1024, length, oflags, allRights & ~(1n << 6n), allRights, 0, 16);
    return [error, view().getUint32(16, true)];
  };
  const text = (length: number) => new TextDecoder().decode(bytes().subarray(2048, 2048 + length));
  return {
    openDirectory: (dirFd, path) => open(dirFd, path, 2),
    read(dirFd, path) {
      const [error, fd] = open(dirFd, path, 0);
      if (error !== 0) return [error, ""];
      view().setUint32(32, 2048, true);
      view().setUint32(36, 256, true);
      const readError = call("fd_read", fd, 32, 1, 40);
      const content = text(view().getUint32(40, true));
      call("fd_close", fd);
      return [readError, content];
    },
    stat(dirFd, path, follow) {
      const error = call("path_filestat_get", dirFd, follow ? 1 : 0, 1024, put(path, 1024), 2048);
      return [error, error === 0 ? view().getBigUint64(2048 + 8, true) : 0n];
    },
    unlink: (dirFd, path) => call("path_unlink_file", dirFd, 1024, put(path, 1024)),
    rename: (dirFd, from, to) => call("path_rename", dirFd, 1024, put(from, 1024), dirFd, 1536, put(to, 1536)),
    readlink(dirFd, path) {
      const error = call("path_readlink", dirFd, 1024, put(path, 1024), 2048, 256, 40);
      return [error, error === 0 ? text(view().getUint32(40, true)) : ""];
    },
    mkdir: (dirFd, path) => call("path_create_directory", dirFd, 1024, put(path, 1024)),
    symlink: (target, dirFd, path) => call("path_symlink", 1024, put(target, 1024), dirFd, 1536, put(path, 1536)),
    close: () => wasi.close(),
  };
}

let root: string;
let sandbox: string;
let outside: string;

// sandbox/a/b/{file,link} and the same shape outside, holding the secret.
function makeTree(base: string, content: string, linkText: string): void {
  fs.mkdirSync(join(base, "a", "b"), { recursive: true });
  fs.writeFileSync(join(base, "a", "b", "file"), content);
  fs.writeFileSync(join(base, "a", "b", "other"), content);
  fs.symlinkSync(linkText, join(base, "a", "b", "link"));
}

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), "witx-race-")));
  sandbox = join(root, "sandbox");
  outside = join(root, "outside");
  makeTree(sandbox, "inside", "inside-target");
  makeTree(outside, secret, outsideLinkText);
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Everything under `dir`: relative names with file contents / link texts. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const name of fs.readdirSync(join(dir, rel)).sort()) {
      const path = join(dir, rel, name);
      const stat = fs.lstatSync(path);
      const relName = join(rel, name);
      if (stat.isSymbolicLink()) out.push(`${relName} -> ${fs.readlinkSync(path)}`);
      else if (stat.isDirectory()) {
        out.push(`${relName}/`);
        visit(relName);
      } else out.push(`${relName} = ${fs.readFileSync(path, "utf8")} (${stat.ino})`);
    }
  };
  visit("");
  return out;
}

// The positions a swap can hit: each intermediate directory of a/b/<final>, and the final name.
const positions = ["a", "a/b", "final"] as const;
type Position = (typeof positions)[number];

/** Replaces the component at `position` (the final one is `finalName`) with a symlink to its outside twin. */
function swap(position: Position, finalName: string, ops: typeof fs): void {
  const rel = position === "final" ? `a/b/${finalName}` : position;
  const inside = join(sandbox, rel);
  // A name that does not exist yet (what mkdir and symlink create) is planted as a link.
  if (ops.lstatSync(inside, { throwIfNoEntry: false }) !== undefined) ops.renameSync(inside, `${inside}-moved`);
  ops.symlinkSync(join(outside, rel), inside);
}

interface Operation {
  name: string;
  /** The final component the operation names in a/b. */
  finalName: string;
  run(guest: Guest): void;
}

// What a call must never show: the secret, the outside file's inode, the outside link's text.
function operations(outsideFileIno: bigint, seen: string[]): Operation[] {
  const open = (name: string, path: string): Operation => ({ name, finalName: "file", run: (guest) => seen.push(guest.read(3, path)[1]) });
  const stat = (name: string, path: string, follow: boolean): Operation => ({
    name,
    finalName: "file",
    run: (guest) => {
      const [, ino] = guest.stat(3, path, follow);
      if (ino === outsideFileIno) seen.push(secret);
    },
  });
  return [
    open("open", "a/b/file"),
    stat("stat (following)", "a/b/file", true),
    stat("stat (not following)", "a/b/file", false),
    // ".." after a directory: the addon takes "b/.." out while a/b is kept and fresh.
    open("open through '..'", "a/b/../b/file"),
    stat("stat through '..'", "a/../a/b/../b/file", false),
    { name: "unlink", finalName: "file", run: (guest) => void guest.unlink(3, "a/b/file") },
    { name: "rename", finalName: "file", run: (guest) => void guest.rename(3, "a/b/file", "a/b/renamed") },
    { name: "readlink", finalName: "link", run: (guest) => seen.push(guest.readlink(3, "a/b/link")[1]) },
    { name: "mkdir", finalName: "made", run: (guest) => void guest.mkdir(3, "a/b/made") },
    { name: "symlink", finalName: "planted", run: (guest) => void guest.symlink("anything", 3, "a/b/planted") },
  ];
}

function expectNothingOutsideReached(seen: string[], outsideBefore: string[]): void {
  expect(seen.filter((text) => text.includes(secret) || text.includes(outsideLinkText))).toEqual([]);
  expect(snapshot(outside)).toEqual(outsideBefore);
}

function resetTree(): void {
  fs.rmSync(sandbox, { recursive: true, force: true });
  makeTree(sandbox, "inside", "inside-target");
}

describe.each(resolutions)("a directory swapped for a symlink (%s resolution)", (resolution) => {
  it("between calls, a descriptor the guest holds on it still means the directory it opened", () => {
    const guest = guestOver(sandbox, resolution);
    const [error, dirFd] = guest.openDirectory(3, "a");
    expect(error).toBe(0);
    swap("a", "", fs);
    // On Linux the descriptor resolves through /proc/self/fd and still reaches the
    // moved directory; without /proc the host refuses a root that changed.
    const [readError, content] = guest.read(dirFd, "b/file");
    expect(content).not.toContain(secret);
    expect([
      [0, "inside"],
      [76, ""],
    ]).toContainEqual([readError, content]);
    guest.close();
  });

  it("between calls, a path through it from the preopen is refused (the link leads outside), also after the path was used", () => {
    const guest = guestOver(sandbox, resolution);
    expect(guest.read(3, "a/b/file")).toEqual([0, "inside"]);
    swap("a/b", "", fs);
    expect(guest.read(3, "a/b/file")).toEqual([76, ""]);
    guest.close();
  });

  it("between calls, a directory renamed on the host is seen where it now is", () => {
    const guest = guestOver(sandbox, resolution);
    expect(guest.read(3, "a/b/file")).toEqual([0, "inside"]);
    fs.renameSync(join(sandbox, "a", "b"), join(sandbox, "a", "c"));
    expect(guest.read(3, "a/b/file")[0]).toBe(44);
    expect(guest.read(3, "a/c/file")).toEqual([0, "inside"]);
    fs.mkdirSync(join(sandbox, "a", "b"));
    fs.writeFileSync(join(sandbox, "a", "b", "file"), "new b");
    expect(guest.read(3, "a/b/file")).toEqual([0, "new b"]);
    fs.renameSync(join(sandbox, "a"), join(sandbox, "z"));
    fs.mkdirSync(join(sandbox, "a", "b"), { recursive: true });
    fs.writeFileSync(join(sandbox, "a", "b", "file"), "newer");
    expect(guest.read(3, "a/b/file")).toEqual([0, "newer"]);
    expect(guest.read(3, "z/b/file")).toEqual([0, "new b"]);
    guest.close();
  });
});

// Every fs function the host resolves or acts with: a swap is injected right
// before the k-th call the host makes during one operation, for every k until
// the operation makes fewer calls, so each step of each operation is raced.
const hooked = [
  "openSync",
  "lstatSync",
  "statSync",
  "readlinkSync",
  "unlinkSync",
  "renameSync",
  "mkdirSync",
  "rmdirSync",
  "symlinkSync",
  "linkSync",
  "lutimesSync",
] as const;

describe("a swap injected before each file-system call the host makes (JavaScript resolution)", () => {
  const originals = Object.fromEntries(hooked.map((name) => [name, fs[name]])) as Record<
    (typeof hooked)[number],
    (...args: unknown[]) => unknown
  >;
  const unhooked = { ...fs, ...originals } as typeof fs;
  afterEach(() => {
    Object.assign(fs, originals);
    syncBuiltinESMExports();
  });

  /** Runs `operation` with a swap of `position` before the host's k-th fs call; false when it made fewer calls. */
  function raceAt(operation: Operation, position: Position, k: number, warm: boolean): boolean {
    resetTree();
    const guest = guestOver(sandbox, "javascript");
    // Warm: the directories were walked before, so kept handles are in play.
    if (warm) guest.stat(3, "a/b/other", false);
    let calls = 0;
    let swapped = false;
    for (const name of hooked) {
      (fs as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        if (!swapped && calls++ === k) {
          swapped = true;
          swap(position, operation.finalName, unhooked);
        }
        return originals[name](...args);
      };
    }
    syncBuiltinESMExports();
    try {
      operation.run(guest);
    } finally {
      Object.assign(fs, originals);
      syncBuiltinESMExports();
      guest.close();
    }
    return swapped;
  }

  const outsideIno = () => fs.lstatSync(join(outside, "a", "b", "file"), { bigint: true }).ino;

  for (const { name } of operations(0n, [])) {
    it(`${name}: no swap of a, a/b or the final name reaches outside`, () => {
      const seen: string[] = [];
      const operation = operations(outsideIno(), seen).find((op) => op.name === name)!;
      const outsideBefore = snapshot(outside);
      let injected = 0;
      for (const position of positions) {
        for (const warm of [false, true]) {
          for (let k = 0; k < 50 && raceAt(operation, position, k, warm); k++) injected++;
        }
      }
      expect(injected).toBeGreaterThan(positions.length * 2);
      expectNothingOutsideReached(seen, outsideBefore);
    });
  }
});

// A second process flips a component between the real directory and a symlink
// to the outside as fast as it can while the guest runs every operation in a
// loop, for a fixed time per position, so the suite stays fast.
describe.runIf(linux).each(resolutions)("another process flipping a component while the guest works (%s resolution)", (resolution) => {
  const flipMs = 300;

  function startFlipper(position: Position): { stop(): Promise<number> } {
    const rel = position === "final" ? "a/b/file" : position;
    const script = `
      const fs = require("node:fs");
      const [inside, target, ms] = process.argv.slice(1);
      const end = Date.now() + Number(ms);
      let flips = 0;
      while (Date.now() < end) {
        try { fs.renameSync(inside, inside + "-moved"); fs.symlinkSync(target, inside); fs.unlinkSync(inside); fs.renameSync(inside + "-moved", inside); flips++; } catch {}
      }
      process.stdout.write(String(flips));`;
    const child = spawn(process.execPath, ["-e", script, join(sandbox, rel), join(outside, rel), String(flipMs + 400)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    const done = new Promise<number>((resolve) => child.on("close", () => resolve(Number(output))));
    return { stop: () => done };
  }

  it("no operation reaches outside (counts in the log)", async () => {
    const outsideFileIno = fs.lstatSync(join(outside, "a", "b", "file"), { bigint: true }).ino;
    const outsideBefore = snapshot(outside);
    const seen: string[] = [];
    const counts: string[] = [];
    for (const position of positions) {
      const guest = guestOver(sandbox, resolution);
      // A handle on a/b to put back what unlink and rename take away, wherever a/b is moved to.
      const b = fs.openSync(join(sandbox, "a", "b"), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      const flipper = startFlipper(position);
      // Let the child start before the clock runs.
      await new Promise((resolve) => setTimeout(resolve, 150));
      const end = Date.now() + flipMs;
      let calls = 0;
      let succeeded = 0;
      const ops = operations(outsideFileIno, seen);
      while (Date.now() < end) {
        for (const op of ops) {
          const before = seen.length;
          op.run(guest);
          calls++;
          if (seen.length > before && seen[seen.length - 1] === "inside") succeeded++;
        }
        try {
          // Never through the flipped link: that would be the test writing outside itself.
          const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
          const file = fs.openSync(`/proc/self/fd/${b}/file`, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW);
          fs.writeSync(file, "inside");
          fs.closeSync(file);
          fs.rmSync(`/proc/self/fd/${b}/made`, { recursive: true, force: true });
          fs.rmSync(`/proc/self/fd/${b}/planted`, { force: true });
          fs.rmSync(`/proc/self/fd/${b}/renamed`, { force: true });
        } catch {
          // The flipper holds the name for a moment: the next round puts it back.
        }
      }
      const flips = await flipper.stop();
      fs.closeSync(b);
      guest.close();
      counts.push(`${position}: ${calls} calls, ${succeeded} inside reads, ${flips} flips`);
      expect(flips).toBeGreaterThan(0);
    }
    console.log(
      `race against a flipping process (${resolution}): ${counts.join("; ")}; outside reached: ${seen.filter((t) => t.includes(secret) || t.includes(outsideLinkText)).length}`,
    );
    expectNothingOutsideReached(seen, outsideBefore);
  });
});
