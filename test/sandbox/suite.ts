/**
 * One escape case, start to finish: a fresh tree, a snapshot of the outside,
 * the guest run on the chosen host, the verdict, the tree removed.
 */
import type { EscapeCase } from "./cases.js";
import { buildEscapeTree, removeEscapeTree, snapshotOutside } from "./fixture.js";
import { judgeRun, type Verdict } from "./judge.js";
import { runEscapeGuest, type GuestRun, type HostName } from "./run-guest.js";

export interface CaseOutcome extends Verdict {
  readonly run: GuestRun;
}

export async function runEscapeCase(host: HostName, testCase: EscapeCase): Promise<CaseOutcome> {
  const tree = buildEscapeTree();
  try {
    const before = snapshotOutside(tree);
    const run = await runEscapeGuest(host, tree, [testCase.name, tree.canaryPath]);
    const verdict = judgeRun(testCase, tree, run, before, snapshotOutside(tree));
    return { ...verdict, run };
  } finally {
    removeEscapeTree(tree);
  }
}

/** The case names the guest knows, in its order. */
export async function guestCaseNames(): Promise<string[]> {
  const tree = buildEscapeTree();
  try {
    const run = await runEscapeGuest("node:wasi", tree, ["--list"]);
    return run.stdout.split("\n").filter((line) => line !== "");
  } finally {
    removeEscapeTree(tree);
  }
}
