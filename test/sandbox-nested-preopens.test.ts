// Preopens that overlap: `/inner` lies inside `/sandbox` (the shape of
// `--dir . --dir ./data`), and `/alias` is a host symlink to the same
// directory. A real guest (test/sandbox/guests/nested.c) renames or removes
// `inner` through `/sandbox`, puts a symlink `inner -> ../outside` in its
// place (refused through `/sandbox`, whose root the target climbs above, so it
// is planted through `/top`, a preopen of the directory holding both), then reads, lists, creates and deletes through `/inner` and `/alias`.
// With preopens held as directory handles (Linux) they keep meaning the
// directory they were opened on; resolving from host paths (other platforms)
// the changed root is refused. Either way nothing outside is read or changed.
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runSandboxGuest, type HostName } from "./sandbox/run-guest.js";

const secret = "SECRET-NESTED-CANARY";
const linux = process.platform === "linux" && fs.existsSync("/proc/self/fd");

let root: string;
let sandbox: string;
let outside: string;

function preopens(): Record<string, string> {
  return { "/sandbox": sandbox, "/inner": join(sandbox, "inner"), "/alias": join(sandbox, "alias") };
}

/** The attacks also get /top, the directory holding the sandbox and outside, to plant the link through. */
function attackPreopens(): Record<string, string> {
  return { ...preopens(), "/top": root };
}

/** Names, contents and link texts below `dir`. */
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

function openFdCount(): number {
  return fs.readdirSync("/proc/self/fd").length;
}

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), "witx-nested-")));
  sandbox = join(root, "sandbox");
  outside = join(root, "outside");
  fs.mkdirSync(join(sandbox, "inner"), { recursive: true });
  fs.symlinkSync("inner", join(sandbox, "alias"));
  fs.mkdirSync(outside);
  fs.writeFileSync(join(outside, "canary.txt"), secret);
  fs.writeFileSync(join(outside, "victim.txt"), "outside victim");
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

async function attack(host: HostName, how: "rename" | "rmdir"): Promise<string[]> {
  const outsideBefore = snapshot(outside);
  const run = await runSandboxGuest(host, "nested", attackPreopens(), [how]);
  expect(run.error, run.stderr).toBeNull();
  expect(run.exitCode).toBe(0);
  expect(run.stdout).not.toContain(secret);
  expect(snapshot(outside)).toEqual(outsideBefore);
  return run.stdout.trim().split("\n");
}

// "ours" resolves with the openat2 addon, "ours-js" with the JavaScript walk through handles (Linux without the addon).
describe.runIf(linux).each(["ours", "ours-js"] as const)("nested preopens held as directory handles (Linux, %s)", (host) => {
  it("renaming the inner preopen away and planting a symlink redirects nothing", async () => {
    fs.writeFileSync(join(sandbox, "inner", "victim.txt"), "inside victim");
    const lines = await attack(host, "rename");
    expect(lines).toEqual([
      "rename /sandbox/inner: ok",
      "symlink /sandbox/inner: errno 76",
      "symlink /top/sandbox/inner: ok",
      "read /inner/canary.txt: errno 44",
      "list /inner: ok victim.txt,",
      "create /inner/created-0.txt: ok",
      "delete /inner/victim.txt: ok",
      "mkdir /inner/made-0: ok",
      "read /alias/canary.txt: errno 44",
      expect.stringMatching(/^list \/alias: ok (created-0\.txt,made-0,|made-0,created-0\.txt,)$/),
      "create /alias/created-1.txt: ok",
      "delete /alias/victim.txt: errno 44",
      "mkdir /alias/made-1: ok",
    ]);
    // Everything the guest did through /inner and /alias happened in the moved directory.
    expect(snapshot(join(sandbox, "inner-moved"))).toEqual(["created-0.txt = created", "created-1.txt = created", "made-0/", "made-1/"]);
  });

  it("removing the (empty) inner preopen and planting a symlink redirects nothing", async () => {
    const lines = await attack(host, "rmdir");
    expect(lines.slice(0, 4)).toEqual([
      "rmdir /sandbox/inner: ok",
      "symlink /sandbox/inner: errno 76",
      "symlink /top/sandbox/inner: ok",
      "read /inner/canary.txt: errno 44",
    ]);
    // The preopen is a removed directory now: it lists empty (or not at all) and nothing can be made in it.
    for (const line of lines.slice(4)) {
      expect(line).toMatch(/^(list \/(inner|alias): ok ?$|.*: errno 44$)/);
    }
  });
});

describe("nested preopens resolved from host paths (the mode of other platforms)", () => {
  for (const how of ["rename", "rmdir"] as const) {
    it(`after a ${how} and a planted symlink, the changed preopen is refused`, async () => {
      const lines = await attack("ours-paths", how);
      expect(lines.slice(0, 3)).toEqual([
        `${how} /sandbox/inner: ok`,
        "symlink /sandbox/inner: errno 76",
        "symlink /top/sandbox/inner: ok",
      ]);
      for (const line of lines.slice(3)) expect(line).toMatch(/: errno 76$/);
    });
  }
});

describe.each(linux ? (["ours", "ours-js", "ours-paths"] as const) : (["ours-paths"] as const))(
  "one file through overlapping preopens (%s)",
  (host) => {
    it("is the same file through /sandbox/inner, /inner and /alias", async () => {
      const run = await runSandboxGuest(host, "nested", preopens(), ["shared"]);
      expect(run.error, run.stderr).toBeNull();
      expect(run.stdout.trim().split("\n")).toEqual([
        "create /inner/shared.txt: ok",
        "read /sandbox/inner/shared.txt: ok written-through-inner",
        "read /alias/shared.txt: ok written-through-inner",
        "create /sandbox/inner/shared.txt: ok",
        "read /inner/shared.txt: ok written-through-sandbox",
        "delete /alias/shared.txt: ok",
        "read /inner/shared.txt: errno 44",
      ]);
    });
  },
);

describe.runIf(linux)("host fds", () => {
  it.each(["ours", "ours-js"] as const)("none is left open after start() returns, kept directory handles included (%s)", async (host) => {
    fs.mkdirSync(join(sandbox, "inner", "deep", "er"), { recursive: true });
    const before = openFdCount();
    await runSandboxGuest(host, "nested", preopens(), ["shared"]);
    await runSandboxGuest(host, "nested", preopens(), ["rename"]);
    expect(openFdCount()).toBe(before);
  });
});
