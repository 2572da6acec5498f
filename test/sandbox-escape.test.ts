// The escape suite on our host: a hostile wasm guest (test/sandbox/guests/escape.c)
// tries, case by case, to read, list, create or change something outside its
// preopen. Each case runs in a fresh tree; the test asserts the errno the guest got
// and that nothing outside was read (the canary's secret never shows up in the
// guest's output or inside the sandbox), listed or changed (snapshot of names,
// sizes, mtimes, links and contents before and after).
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { escapeCases, expectedErrnos } from "./sandbox/cases.js";
import { buildEscapeTree, diffSnapshots, removeEscapeTree, snapshotOutside } from "./sandbox/fixture.js";
import { judgeRun } from "./sandbox/judge.js";
import type { GuestRun } from "./sandbox/run-guest.js";
import { guestCaseNames, runEscapeCase } from "./sandbox/suite.js";
import { tableBegin, tableEnd } from "./sandbox/table.js";

describe("escape suite: the guest and the case table", () => {
  it("list the same cases, at least 40 of them", async () => {
    const names = await guestCaseNames();
    expect(names.length).toBeGreaterThanOrEqual(40);
    expect([...names].sort()).toEqual(escapeCases.map((testCase) => testCase.name).sort());
  });
});

describe.each([
  ["escape suite on our host (openat2 addon on Linux)", "ours"],
  ["escape suite on our host, resolving in JavaScript through /proc/self/fd (Linux without the addon)", "ours-js"],
  ["escape suite on our host, resolving from host paths (no /proc)", "ours-paths"],
] as const)("%s", (_title, host) => {
  for (const testCase of escapeCases) {
    const wanted = expectedErrnos(testCase);
    it(`${testCase.name}: ${testCase.attempt} → ${wanted.join(" or ")}, nothing outside touched`, async () => {
      const outcome = await runEscapeCase(host, testCase);
      expect(outcome.run.error, outcome.run.stderr).toBeNull();
      expect(outcome.run.exitCode).toBe(0);
      expect(outcome.breaches).toEqual([]);
      expect(wanted, outcome.run.stdout).toContain(outcome.result);
      if (testCase.prints !== undefined) expect(outcome.run.stdout.split("\n")).toContain(testCase.prints);
    });
  }
});

// The judge must be able to say no, or the suite above proves nothing.
describe("escape suite: the judge catches escapes", () => {
  const dotdot = escapeCases.find((testCase) => testCase.name === "dotdot")!;
  const run = (stdout: string): GuestRun => ({ stdout, stderr: "", exitCode: 0, error: null });

  it("sees the canary's secret in what the guest printed", () => {
    const tree = buildEscapeTree();
    try {
      const snapshot = snapshotOutside(tree);
      const verdict = judgeRun(dotdot, tree, run(`data: "${tree.secret}"\nresult: success\n`), snapshot, snapshot);
      expect(verdict.breaches).toContain("read the outside canary");
    } finally {
      removeEscapeTree(tree);
    }
  });

  it("sees a file created next to the sandbox and a changed canary", () => {
    const tree = buildEscapeTree();
    try {
      const before = snapshotOutside(tree);
      fs.writeFileSync(`${tree.root}/planted`, "x");
      fs.appendFileSync(tree.canaryPath, "!");
      const changes = diffSnapshots(before, snapshotOutside(tree));
      // A directory's size after a new entry depends on the file system; its mtime always moves.
      expect(changes).toHaveLength(3);
      expect(changes[0]).toMatch(/^changed \. \(.*mtimeNs.*\)$/);
      expect(changes[1]).toMatch(/^changed outside\/outside-canary\.txt \(.*content\)$/);
      expect(changes[2]).toBe("created planted");
    } finally {
      removeEscapeTree(tree);
    }
  });

  it("sees names from outside in a listing, a hard link to the canary, and success on an outside target", () => {
    const tree = buildEscapeTree();
    try {
      const snapshot = snapshotOutside(tree);
      fs.linkSync(tree.canaryPath, `${tree.sandbox}/copy`);
      const verdict = judgeRun(dotdot, tree, run("entries: outside/sandbox\nresult: success\n"), snapshot, snapshot);
      expect(verdict.breaches).toEqual(["listed a directory outside (outside, sandbox)", "brought the canary inside as copy"]);
      const quiet = judgeRun(dotdot, tree, run("stat: 4 42\nresult: success\n"), snapshot, snapshot);
      expect(quiet.breaches).toContain("brought the canary inside as copy");
      expect(quiet.breaches.some((breach) => breach.startsWith("succeeded on a path outside"))).toBe(false);
      fs.unlinkSync(`${tree.sandbox}/copy`);
      const statOnly = judgeRun(dotdot, tree, run("stat: 4 42\nresult: success\n"), snapshot, snapshot);
      expect(statOnly.breaches).toEqual(["succeeded on a path outside (stat)"]);
    } finally {
      removeEscapeTree(tree);
    }
  });
});

describe("SECURITY.md", () => {
  const document = fs.readFileSync(fileURLToPath(new URL("../SECURITY.md", import.meta.url)), "utf8");
  const table = document.slice(document.indexOf(tableBegin), document.indexOf(tableEnd));

  it("has a row for every case whose 'ours' column is an errno the case allows", () => {
    for (const testCase of escapeCases) {
      const rowMatch = new RegExp(`^\\| \\d+ \\| \`${testCase.name}\` \\|.*$`, "m").exec(table);
      expect(rowMatch, testCase.name).not.toBeNull();
      const ours = rowMatch![0].split(" | ")[4];
      expect(
        expectedErrnos(testCase).map((errno) => `\`${errno}\``),
        testCase.name,
      ).toContain(ours);
    }
  });
});
