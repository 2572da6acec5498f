/**
 * Runs a guest program from test/guests/bin on our WASI or on node:wasi, each
 * in its own child process (see run-guest-child.ts), and returns what it
 * printed — also when it had to be killed for hanging.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export type Implementation = "ours" | "node";

export interface GuestRun {
  stdout: string;
  stderr: string;
  /** null when the run was killed for taking longer than its time limit. */
  exitCode: number | null;
  timedOut: boolean;
}

const childScript = fileURLToPath(new URL("./run-guest-child.ts", import.meta.url));
const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

export interface HangDetection {
  /** Stop the run once stdout satisfies this and has not changed for `quietMs`. */
  stopWhen: (stdout: string) => boolean;
  quietMs: number;
}

/**
 * `hang` is for a run known to hang: rather than always waiting the whole time
 * limit, the run is stopped (and reported as timed out) once it has printed
 * the given text and then nothing for a while.
 */
export function runGuest(implementation: Implementation, name: string, timeoutMs = 60_000, hang?: HangDetection): Promise<GuestRun> {
  const scratch = mkdtempSync(join(tmpdir(), `guest-io-${name}-`));
  let watcher: NodeJS.Timeout | undefined;
  return new Promise<GuestRun>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ["--no-warnings", "--import", "tsx", childScript, implementation, name, scratch],
      { cwd: projectRoot, timeout: timeoutMs, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const output = { stdout: readOrEmpty(join(scratch, "stdout")), stderr: readOrEmpty(join(scratch, "stderr")) };
        clearInterval(watcher);
        if (error?.killed) {
          resolve({ ...output, exitCode: null, timedOut: true });
          return;
        }
        let result: { exitCode?: number; error?: string };
        try {
          result = JSON.parse(stdout.trim().split("\n").pop() ?? "");
        } catch {
          reject(new Error(`${implementation} ${name}: the runner printed no result (${error?.message ?? "no error"})\n${stderr}`));
          return;
        }
        if (result.error !== undefined) reject(new Error(`${implementation} ${name} failed: ${result.error}`));
        else resolve({ ...output, exitCode: result.exitCode ?? null, timedOut: false });
      },
    );
    if (hang !== undefined) {
      let quietSince: number | null = null;
      let last = "";
      watcher = setInterval(() => {
        const now = readOrEmpty(join(scratch, "stdout"));
        if (now !== last || !hang.stopWhen(now)) {
          quietSince = null;
        } else if (quietSince === null) {
          quietSince = Date.now();
        } else if (Date.now() - quietSince >= hang.quietMs) {
          child.kill("SIGKILL");
        }
        last = now;
      }, 200);
    }
  }).finally(() => {
    clearInterval(watcher);
    rmSync(scratch, { recursive: true, force: true });
  });
}
