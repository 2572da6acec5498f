/**
 * The file system one fuzz episode runs against:
 *
 *   <root>/outside/canary.txt              far outside, holds the secret
 *   <root>/w/x/y/z/near/canary.txt         right next to the preopens, same secret
 *   <root>/w/x/y/z/sandbox/                preopen "/sandbox" (fd 3)
 *   <root>/w/x/y/z/second/                 preopen "/second" (fd 4)
 *
 * The preopens sit four levels down so that the ".." chains the generator
 * writes (at most four) stay inside <root> even if a host let them through,
 * where the snapshot sees them. The sandbox starts with files, directories
 * and symlinks pointing out (absolute and relative), so random paths run
 * into them; the guest adds its own as it goes.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffSnapshots, snapshotTree, type Snapshot } from "../sandbox/fixture.js";

export interface FuzzWorld {
  readonly root: string;
  readonly sandbox: string;
  readonly second: string;
  readonly near: string;
  readonly far: string;
  readonly secret: string;
  readonly preopens: Record<string, string>;
  /** Absolute host paths a hostile guest would aim at (they all lie outside). */
  readonly absoluteTargets: readonly string[];
}

/** Names the generator builds paths from; the sandbox starts with some of them. */
export const nameParts: readonly string[] = [
  "a",
  "b",
  "c",
  "f",
  "d",
  "sub",
  "x.txt",
  "ln",
  "up",
  "abs",
  "loop",
  "self",
  "dang",
  "near",
  "outside",
  "canary.txt",
  "sandbox",
  "second",
  "w",
  "x",
  "y",
  "z",
];

export function createWorld(): FuzzWorld {
  const root = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), "witx-fuzz-")));
  const base = join(root, "w", "x", "y", "z");
  const sandbox = join(base, "sandbox");
  const second = join(base, "second");
  const near = join(base, "near");
  const far = join(root, "outside");
  const secret = `FUZZ-SECRET-${randomBytes(12).toString("hex")}`;
  for (const dir of [sandbox, second, near, far, join(sandbox, "d", "sub")]) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(join(near, "canary.txt"), secret);
  fs.writeFileSync(join(far, "canary.txt"), secret);
  fs.writeFileSync(join(sandbox, "f"), "file in the sandbox\n");
  fs.writeFileSync(join(sandbox, "d", "x.txt"), "nested file\n");
  fs.writeFileSync(join(second, "f"), "file in the second preopen\n");
  const links: Record<string, string> = {
    up: "..",
    near: "../near",
    "canary.txt": "../near/canary.txt",
    abs: far,
    ln: "f",
    loop: "loop",
    dang: "../near/missing",
    "d/up": "../..",
    "d/sub/ln": "../../f",
  };
  for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, join(sandbox, name));
  return {
    root,
    sandbox,
    second,
    near,
    far,
    secret,
    preopens: { "/sandbox": sandbox, "/second": second },
    absoluteTargets: [far, join(far, "canary.txt"), join(near, "canary.txt"), base, "/", "/nonexistent-witx-fuzz"],
  };
}

export function removeWorld(world: FuzzWorld): void {
  fs.rmSync(world.root, { recursive: true, force: true });
}

/** Everything in the world but the two preopens. */
export function snapshotOutsideWorld(world: FuzzWorld): Snapshot {
  return snapshotTree(world.root, [world.sandbox, world.second]);
}

export function outsideChanges(world: FuzzWorld, before: Snapshot): string[] {
  return diffSnapshots(before, snapshotOutsideWorld(world));
}

/** Bigger files are not read back (the guest makes sparse files of terabytes). */
const maxScannedFile = 1 << 20;

/**
 * Files inside the preopens that hold the secret or are a canary (hard
 * link): the host let the guest copy something out of the outside.
 */
export function smuggledCanaries(world: FuzzWorld): string[] {
  const canaries = [join(world.near, "canary.txt"), join(world.far, "canary.txt")].flatMap((path) => {
    const stat = fs.lstatSync(path, { bigint: true, throwIfNoEntry: false });
    return stat === undefined ? [] : [stat];
  });
  const found: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        visit(path);
        continue;
      }
      if (!entry.isFile()) continue;
      const stat = fs.lstatSync(path, { bigint: true });
      const isCanary = canaries.some((canary) => canary.ino === stat.ino && canary.dev === stat.dev);
      if (isCanary || (stat.size <= maxScannedFile && fs.readFileSync(path, "latin1").includes(world.secret))) {
        found.push(path.slice(world.root.length + 1));
      }
    }
  };
  visit(world.sandbox);
  visit(world.second);
  return found;
}
