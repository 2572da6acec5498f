/**
 * Decides what one run of the escape guest got away with, from evidence the
 * guest cannot fake by being quiet: what it printed (it prints everything it
 * reads), what changed outside the sandbox, and what it brought inside.
 */
import * as fs from "node:fs";
import { join } from "node:path";
import type { EscapeCase } from "./cases.js";
import { diffSnapshots, type EscapeTree, type Snapshot } from "./fixture.js";
import type { GuestRun } from "./run-guest.js";

export interface Verdict {
  /** The errno on the guest's `result:` line; null when there was none. */
  readonly result: string | null;
  /** Every sign of an escape; empty when the run stayed inside. */
  readonly breaches: readonly string[];
}

/** A line of /etc/passwd that every Linux has; never part of a sandbox file. */
const passwdMarker = "root:x:0:0:";

function resultOf(stdout: string): string | null {
  const match = /^result: (\S+)$/m.exec(stdout);
  return match === null ? null : match[1];
}

/** Every name anywhere in the sandbox (what a listing of a sandbox directory may show). */
function sandboxNames(top: string): Set<string> {
  const names = new Set([".", ".."]);
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      names.add(entry.name);
      if (entry.isDirectory()) visit(join(dir, entry.name));
    }
  };
  visit(top);
  return names;
}

/** Files in the sandbox that hold the secret or are the canary itself (a hard link). */
function canaryCopies(tree: EscapeTree): string[] {
  const canary = fs.lstatSync(tree.canaryPath, { bigint: true, throwIfNoEntry: false });
  const found: string[] = [];
  const visit = (dir: string, relative: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        visit(path, name);
      } else if (entry.isFile()) {
        const stat = fs.lstatSync(path, { bigint: true });
        const sameFile = canary !== undefined && stat.ino === canary.ino && stat.dev === canary.dev;
        if (sameFile || fs.readFileSync(path, "latin1").includes(tree.secret)) found.push(name);
      }
    }
  };
  visit(tree.sandbox, "");
  return found;
}

export function judgeRun(testCase: EscapeCase, tree: EscapeTree, run: GuestRun, outsideBefore: Snapshot, outsideAfter: Snapshot): Verdict {
  const breaches: string[] = [];
  const result = resultOf(run.stdout);
  const lines = run.stdout.split("\n");

  if (run.stdout.includes(tree.secret)) breaches.push("read the outside canary");
  if (run.stdout.includes(passwdMarker)) breaches.push("read /etc/passwd");

  const allowed = sandboxNames(tree.sandbox);
  for (const line of lines) {
    if (!line.startsWith("entries: ")) continue;
    const foreign = line
      .slice("entries: ".length)
      .split("/")
      .filter((name) => name !== "" && !allowed.has(name));
    if (foreign.length > 0)
      breaches.push(`listed a directory outside (${foreign.slice(0, 4).join(", ")}${foreign.length > 4 ? ", ..." : ""})`);
  }

  const hostPathLines = lines.filter((line) => line.includes(tree.root) && !(testCase.printsLinkText && line.startsWith("link: ")));
  if (hostPathLines.length > 0) breaches.push("learned a host path");

  const changes = diffSnapshots(outsideBefore, outsideAfter);
  if (changes.length > 0) breaches.push(`changed the outside: ${changes.join("; ")}`);

  const copies = canaryCopies(tree);
  if (copies.length > 0) breaches.push(`brought the canary inside as ${copies.join(", ")}`);

  if (testCase.kind === "escape" && result === "success" && breaches.length === 0) {
    const shown = lines.find((line) => /^(stat|link|data|entries): /.test(line));
    breaches.push(shown === undefined ? "succeeded on a path outside" : `succeeded on a path outside (${shown.split(":")[0]})`);
  }
  return { result, breaches };
}
