/**
 * Every guest program in test/guests/bin, run on our WASI class and on
 * node:wasi, each in its own child process with a fresh /sandbox and the
 * args, env and stdin test/guests/cases.json gives it.
 *
 * Ours must print exactly the spec-correct test/guests/expected/<name>.txt
 * and exit with the expected code. node:wasi must print the same, except for
 * the programs where notes/node-wasi-deviations.md shows node:wasi is wrong:
 * there it must print exactly its recorded wrong output
 * (expected/<name>.node-wasi.txt), so that a node:wasi fix makes the test fail
 * and the deviation can be retired.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runGuest } from "./support/guest-runner.js";
import type { GuestCase } from "./support/run-guest-child.js";

const guestsDir = new URL("./guests/", import.meta.url);
const cases = JSON.parse(readFileSync(new URL("cases.json", guestsDir), "utf8")) as Record<string, GuestCase>;
const deviationsNote = readFileSync(new URL("../notes/node-wasi-deviations.md", import.meta.url), "utf8");

/** Programs on which node:wasi is wrong, with the reason (from notes/node-wasi-deviations.md). */
const nodeDeviations: Record<string, string> = {
  dirs: "fd_readdir leaves out . and .. and reports d_ino 0",
  fdtable: "fd_fdstat_get reports host fcntl bits as fs_flags, and a directory asked for with file-only rights gives EISDIR",
  files: "fs_flags are host fcntl bits and timestamps lose their fraction of a second",
  paths: "path_readlink refuses buffers not larger than the target, timestamps lose their fraction of a second",
  poll: "regular files fail with EPERM, absolute deadlines are measured on the realtime clock, and clock_nanosleep(TIMER_ABSTIME) never returns",
  random: "a zero-length buffer at the end of memory gives EOVERFLOW",
  sched: "proc_raise winch and out-of-range signals give ENOSYS",
  sockets: "sock_* on files, directories and stdout give ENOTCAPABLE or ENOTSUP instead of ENOTSOCK or EBADF",
};

/**
 * Programs node:wasi never finishes (it hangs in a call): its run is stopped once
 * it has printed its whole recorded output and then nothing more for a while.
 */
const nodeHangs = new Set(["poll"]);

/**
 * Checks whose node:wasi answer depends on timing, by label (the text before
 * the first ": "): on node:wasi any answer to them is accepted (ours must still
 * give the correct one). poll: node's libuv timer may fire up to a millisecond
 * early, before an absolute realtime deadline (the note's `absolute realtime
 * +30ms` entry) and before a relative 10 ms sleep is over, or not.
 */
const nodeTimingDependent: Record<string, readonly string[]> = {
  poll: ["absolute realtime deadline reached", "usleep 10ms waited at least 10ms"],
};

/** Whether `actual` is node's recorded output for `name`, allowing the timing-dependent checks either answer. */
function isRecordedNodeOutput(name: string, actual: string): boolean {
  return nodeOutputMismatch(name, actual) === null;
}

/** The first line where `actual` departs from node's recorded output, or null. */
function nodeOutputMismatch(name: string, actual: string): string | null {
  const recorded = recordedNodeOutput(name).split("\n");
  const correct = expectedOutput(name).split("\n");
  const lines = actual.split("\n");
  if (lines.length !== recorded.length) return `${lines.length} lines instead of ${recorded.length}`;
  const loose = new Set(nodeTimingDependent[name] ?? []);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === recorded[i]) continue;
    const label = recorded[i].split(": ", 1)[0];
    if (loose.has(label) && lines[i].startsWith(`${label}: `) && correct.some((line) => line.startsWith(`${label}: `))) continue;
    return `line ${i + 1}: ${JSON.stringify(lines[i])} instead of ${JSON.stringify(recorded[i])}`;
  }
  return null;
}

/** Per-test time limits: a child process starts tsx and the guest, on a loaded machine. */
const runLimitMs = 60_000;
const hangLimitMs = 90_000;

const commandNames = readdirSync(new URL("bin/", guestsDir))
  .filter((file) => file.endsWith(".wasm"))
  .map((file) => file.slice(0, -".wasm".length))
  .filter((name) => {
    const module = new WebAssembly.Module(readFileSync(new URL(`bin/${name}.wasm`, guestsDir)));
    return WebAssembly.Module.exports(module).some((entry) => entry.name === "_start");
  })
  .sort();

function expectedOutput(name: string): string {
  return readFileSync(new URL(`expected/${name}.txt`, guestsDir), "utf8");
}

function recordedNodeOutput(name: string): string {
  return readFileSync(new URL(`expected/${name}.node-wasi.txt`, guestsDir), "utf8");
}

describe("the guest programs and their expectations", () => {
  it("every command module in test/guests/bin has a case and an expected output", () => {
    expect(commandNames.length).toBeGreaterThan(0);
    for (const name of commandNames) {
      expect(Object.hasOwn(cases, name), `${name} in cases.json`).toBe(true);
      expect(existsSync(new URL(`expected/${name}.txt`, guestsDir)), `expected/${name}.txt`).toBe(true);
      expect(existsSync(new URL(`expected/${name}.node-wasi.txt`, guestsDir)), `expected/${name}.node-wasi.txt`).toBe(true);
    }
  });

  it("node:wasi is listed as deviating exactly where its recorded output differs from the expected one", () => {
    const differing = commandNames.filter((name) => recordedNodeOutput(name) !== expectedOutput(name));
    expect(differing).toEqual(Object.keys(nodeDeviations).sort());
  });

  it("the programs node:wasi gets right are the ones notes/node-wasi-deviations.md names", () => {
    const line = /Programs where node:wasi is right on every check: ([^.]+)\./.exec(deviationsNote.replace(/\s+/g, " "));
    expect(line).not.toBeNull();
    const named = [...line![1].matchAll(/`([a-z_0-9-]+)`/g)].map((match) => match[1]).sort();
    expect(named).toEqual(commandNames.filter((name) => !(name in nodeDeviations)));
  });
});

describe.concurrent.each(commandNames)("%s", (name) => {
  const wantedExit = cases[name]?.exitCode ?? 0;

  it(
    `on our WASI prints expected/${name}.txt and exits with ${wantedExit}`,
    async () => {
      const run = await runGuest("ours", name, runLimitMs - 5_000);
      expect(run.timedOut).toBe(false);
      expect(run.stdout).toBe(expectedOutput(name));
      expect(run.exitCode).toBe(wantedExit);
    },
    runLimitMs,
  );

  const deviation = nodeDeviations[name];
  if (deviation === undefined) {
    it(
      `on node:wasi prints the same, expected/${name}.txt`,
      async () => {
        const run = await runGuest("node", name, runLimitMs - 5_000);
        expect(run.timedOut).toBe(false);
        expect(run.stdout).toBe(expectedOutput(name));
        expect(run.exitCode).toBe(wantedExit);
      },
      runLimitMs,
    );
  } else if (nodeHangs.has(name)) {
    it(
      `on node:wasi prints its known-wrong output and then hangs (node:wasi bug: ${deviation})`,
      async () => {
        const run = await runGuest("node", name, hangLimitMs - 5_000, {
          stopWhen: (stdout) => isRecordedNodeOutput(name, stdout),
          quietMs: 3_000,
        });
        expect(nodeOutputMismatch(name, run.stdout)).toBeNull();
        expect(run.timedOut).toBe(true);
      },
      hangLimitMs,
    );
  } else {
    it(
      `on node:wasi prints its known-wrong output (node:wasi bug: ${deviation})`,
      async () => {
        const run = await runGuest("node", name, runLimitMs - 5_000);
        expect(run.timedOut).toBe(false);
        expect(nodeOutputMismatch(name, run.stdout)).toBeNull();
        expect(run.exitCode).toBe(wantedExit);
      },
      runLimitMs,
    );
  }
});
