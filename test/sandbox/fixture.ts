/**
 * The directory tree every escape case runs in, built fresh for each run:
 *
 *   <root>/outside/                what the guest must never reach
 *     outside-canary.txt           a secret, random per tree
 *     outside-empty/               something rmdir could remove
 *     outside-link -> outside-canary.txt
 *   <root>/sandbox/                preopened as /sandbox (fd 3)
 *     file.txt, dir/nested.txt, dir/sub/
 *     symlinks planted by the host: absolute ones to /etc and to outside,
 *     relative ones climbing out, chains, loops, dangling ones, and
 *     harmless ones that stay inside (the list is `plantedLinks`).
 *
 * Everything under <root> except the sandbox is "outside": `snapshotOutside`
 * records it so that the harness can tell whether a run changed anything
 * there, including the parent directory the sandbox sits in.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface EscapeTree {
  /** Canonical path of the temporary root (symlinks in tmpdir resolved). */
  readonly root: string;
  readonly sandbox: string;
  readonly outside: string;
  /** Absolute host path of the outside canary file. */
  readonly canaryPath: string;
  /** The canary's content; it must never appear in what the guest prints or writes. */
  readonly secret: string;
}

const sandboxFiles: Readonly<Record<string, string>> = {
  "file.txt": "inside-file",
  "dir/nested.txt": "inside-nested",
};

/** Links inside the sandbox: name → target (`<outside>` is replaced by the outside dir's absolute path). */
const plantedLinks: Readonly<Record<string, string>> = {
  link_etc: "/etc",
  link_etc_passwd: "/etc/passwd",
  link_abs_canary: "<outside>/outside-canary.txt",
  link_abs_outside: "<outside>",
  link_up: "..",
  link_up_outside: "../outside",
  link_up_canary: "../outside/outside-canary.txt",
  chain1: "chain2",
  chain2: "chain3",
  chain3: "../outside/outside-canary.txt",
  loop_a: "loop_b",
  loop_b: "loop_a",
  self: "self",
  dangling_out: "../outside/missing.txt",
  dangling_in: "missing.txt",
  dangling_out_dir: "../outside/made-by-link",
  link_dir: "dir",
  link_file: "file.txt",
  "dir/link_upup": "../..",
  "dir/link_up_inside": "..",
  "dir/link_out_and_back": "../../sandbox/file.txt",
};

export function buildEscapeTree(): EscapeTree {
  const root = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), "witx-escape-")));
  const sandbox = join(root, "sandbox");
  const outside = join(root, "outside");
  const canaryPath = join(outside, "outside-canary.txt");
  const secret = `SECRET-CANARY-${randomBytes(12).toString("hex")}`;

  fs.mkdirSync(join(outside, "outside-empty"), { recursive: true });
  fs.writeFileSync(canaryPath, secret);
  fs.symlinkSync("outside-canary.txt", join(outside, "outside-link"));

  fs.mkdirSync(join(sandbox, "dir", "sub"), { recursive: true });
  for (const [name, content] of Object.entries(sandboxFiles)) fs.writeFileSync(join(sandbox, name), content);
  for (const [name, target] of Object.entries(plantedLinks)) {
    fs.symlinkSync(target.replace("<outside>", outside), join(sandbox, name));
  }
  return { root, sandbox, outside, canaryPath, secret };
}

export function removeEscapeTree(tree: EscapeTree): void {
  fs.rmSync(tree.root, { recursive: true, force: true });
}

/** One entry of a snapshot: everything a run could change about a name. */
interface EntryRecord {
  readonly type: "file" | "dir" | "link" | "other";
  readonly mode: number;
  readonly size: number;
  readonly nlink: number;
  readonly ino: string;
  readonly mtimeNs: string;
  /** File content (as latin1 text, so any bytes compare), or link target. */
  readonly content: string;
}

export type Snapshot = ReadonlyMap<string, EntryRecord>;

function recordOf(path: string): EntryRecord {
  const stat = fs.lstatSync(path, { bigint: true });
  const base = {
    mode: Number(stat.mode),
    size: Number(stat.size),
    nlink: Number(stat.nlink),
    ino: stat.ino.toString(),
    mtimeNs: stat.mtimeNs.toString(),
  };
  if (stat.isSymbolicLink()) return { type: "link", ...base, content: fs.readlinkSync(path, "utf8") };
  if (stat.isDirectory()) return { type: "dir", ...base, content: "" };
  if (stat.isFile()) return { type: "file", ...base, content: fs.readFileSync(path).toString("latin1") };
  return { type: "other", ...base, content: "" };
}

/**
 * Records every name under `top` (and `top` itself, as "."), without following
 * links, skipping the subtrees whose paths are in `skip`.
 */
export function snapshotTree(top: string, skip: readonly string[] = []): Snapshot {
  const entries = new Map<string, EntryRecord>();
  const visit = (path: string, relative: string): void => {
    if (skip.includes(path)) return;
    const record = recordOf(path);
    entries.set(relative, record);
    if (record.type !== "dir") return;
    for (const name of fs.readdirSync(path).sort()) {
      visit(join(path, name), relative === "." ? name : `${relative}/${name}`);
    }
  };
  visit(top, ".");
  return entries;
}

/** Everything under the root except the sandbox. */
export function snapshotOutside(tree: EscapeTree): Snapshot {
  return snapshotTree(tree.root, [tree.sandbox]);
}

/**
 * Human-readable differences between two snapshots. Every field counts,
 * directories' mtimes too: a name created and removed again in an outside
 * directory still shows up as a change there.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const changes: string[] = [];
  for (const [name, was] of before) {
    const now = after.get(name);
    if (now === undefined) {
      changes.push(`removed ${name}`);
      continue;
    }
    const fields = (Object.keys(was) as (keyof EntryRecord)[]).filter((key) => was[key] !== now[key]);
    if (fields.length > 0) changes.push(`changed ${name} (${fields.join(", ")})`);
  }
  for (const name of after.keys()) {
    if (!before.has(name)) changes.push(`created ${name}`);
  }
  return changes;
}
