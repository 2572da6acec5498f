/**
 * Child-process half of test/support/guest-runner.ts: runs one guest program
 * from test/guests/bin on our WASI class or on node:wasi, set up identically —
 * a fresh temporary directory preopened as /sandbox, the args, env and stdin
 * from test/guests/cases.json — with stdout and stderr going to files in the
 * folder the parent gives (so the parent can read what a hung guest printed
 * before it was killed); prints one JSON line, { exitCode } or { error }.
 *
 *   node --import tsx test/support/run-guest-child.ts <ours|node> <name> <output-folder>
 *
 * A separate process per run, so a guest that blocks, exits or crashes cannot
 * disturb the test runner, and the two implementations never share a process.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { WASI as NodeWASI } from "node:wasi";
import { WASI as OurWASI } from "../../src/wasi/wasi.js";

export interface GuestCase {
  args?: string[];
  env?: Record<string, string>;
  stdinFile?: string;
  exitCode?: number;
  /** "stdout": stderr goes to the stdout file through a second append-mode handle. */
  stderr?: "stdout";
}

const guestsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "guests");

async function run(implementation: string, name: string, scratch: string): Promise<object> {
  const cases = JSON.parse(readFileSync(join(guestsDir, "cases.json"), "utf8")) as Record<string, GuestCase>;
  const spec = cases[name] ?? {};
  const sandbox = mkdtempSync(join(tmpdir(), `guest-${name}-`));
  const stdin = openSync(spec.stdinFile ? join(guestsDir, spec.stdinFile) : "/dev/null", "r");
  // Append mode, so a second handle on the same file (stderr, for some cases)
  // interleaves in write order; a second handle rather than the same fd, since
  // a guest may renumber onto or close one of them.
  const stdout = openSync(join(scratch, "stdout"), "a");
  const stderr = openSync(join(scratch, spec.stderr === "stdout" ? "stdout" : "stderr"), "a");
  try {
    const options = {
      version: "preview1" as const,
      args: [name, ...(spec.args ?? [])],
      env: spec.env ?? {},
      preopens: { "/sandbox": sandbox },
      stdin,
      stdout,
      stderr,
      returnOnExit: true,
    };
    const wasi = implementation === "node" ? new NodeWASI(options) : new OurWASI(options);
    const bytes = readFileSync(join(guestsDir, "bin", `${name}.wasm`));
    const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject() as WebAssembly.Imports);
    const exitCode = wasi.start(instance);
    return { exitCode };
  } finally {
    for (const fd of [stdin, stdout, stderr]) {
      try {
        closeSync(fd);
      } catch {
        // node:wasi closes a host fd itself when the guest closes or replaces it.
      }
    }
    rmSync(sandbox, { recursive: true, force: true });
  }
}

const [implementation, name, scratch] = process.argv.slice(2);
try {
  process.stdout.write(`${JSON.stringify(await run(implementation, name, scratch))}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) })}\n`);
}
