// Runs one guest program on Node's built-in node:wasi, the way the test suite
// runs it on our host: a fresh temporary directory preopened at /sandbox, the
// arguments, environment and stdin from cases.json, stdout captured.
//
//   node test/guests/run-on-node-wasi.mjs <name> [args...]
//       prints the program's stdout, then its exit code on stderr; args given
//       here replace the ones in cases.json
//   node test/guests/run-on-node-wasi.mjs --record [name...]
//       runs the named cases (all when none are named) and stores each stdout
//       in expected/<name>.node-wasi.txt
//
// Each run happens in a child process with a time limit, because a node:wasi
// call that deadlocks cannot be interrupted from inside the process.
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const thisFile = fileURLToPath(import.meta.url);
const guestsDir = dirname(thisFile);
const cases = JSON.parse(readFileSync(join(guestsDir, "cases.json"), "utf8"));
const timeoutMs = Number(process.env.GUEST_TIMEOUT_MS ?? 60000);

/** In the child: runs the guest with its stdout going to stdoutPath. */
async function runInProcess(name, stdoutPath, argsOverride) {
  // Imported here so that only the child prints node:wasi's experimental warning.
  const { WASI } = await import("node:wasi");
  const spec = cases[name] ?? {};
  const args = [name, ...(argsOverride ?? spec.args ?? [])];
  const sandbox = mkdtempSync(join(tmpdir(), `guest-${name}-`));
  const stdinFd = openSync(spec.stdinFile ? join(guestsDir, spec.stdinFile) : "/dev/null", "r");
  // Append mode, so that a second handle on the same file (stderr below)
  // interleaves with it in write order instead of overwriting it.
  const stdoutFd = openSync(stdoutPath, "a");
  // A separate handle rather than the same fd: a guest may renumber onto or
  // close one of the two streams, and node:wasi then closes the host fd.
  const stderrFd = spec.stderr === "stdout" ? openSync(stdoutPath, "a") : 2;
  try {
    const wasi = new WASI({
      version: "preview1",
      args,
      env: spec.env ?? {},
      preopens: { "/sandbox": sandbox },
      stdin: stdinFd,
      stdout: stdoutFd,
      stderr: stderrFd,
      returnOnExit: true,
    });
    const bytes = readFileSync(join(guestsDir, "bin", `${name}.wasm`));
    const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject());
    return wasi.start(instance);
  } finally {
    for (const fd of [stdinFd, stdoutFd, stderrFd]) {
      if (fd === 2) continue;
      try {
        closeSync(fd);
      } catch {
        // node:wasi already closed it when the guest closed or replaced it.
      }
    }
    rmSync(sandbox, { recursive: true, force: true });
  }
}

/** In the parent: runs a case in a child process and collects the result. */
function runCase(name, argsOverride) {
  const scratch = mkdtempSync(join(tmpdir(), `guest-io-${name}-`));
  const stdoutPath = join(scratch, "stdout");
  try {
    const child = spawnSync(process.execPath, ["--no-warnings", thisFile, "--child", name, stdoutPath, ...(argsOverride ?? [])], {
      encoding: "utf8",
      timeout: timeoutMs,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = Buffer.alloc(0);
    try {
      stdout = readFileSync(stdoutPath);
    } catch {
      // The child failed before it opened the file.
    }
    const timedOut = child.error?.code === "ETIMEDOUT";
    const reported = /exit code: (\d+)/.exec(child.stdout ?? "");
    return { stdout, exitCode: reported ? Number(reported[1]) : null, timedOut };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === "--child") {
  const [, name, stdoutPath, ...rest] = argv;
  const exitCode = await runInProcess(name, stdoutPath, rest.length > 0 ? rest : undefined);
  process.stdout.write(`exit code: ${exitCode}\n`);
} else if (argv[0] === "--record") {
  const names = argv.length > 1 ? argv.slice(1) : Object.keys(cases);
  for (const name of names) {
    const { stdout, exitCode, timedOut } = runCase(name);
    writeFileSync(join(guestsDir, "expected", `${name}.node-wasi.txt`), stdout);
    const wanted = cases[name]?.exitCode ?? 0;
    const verdict = timedOut
      ? `TIMED OUT after ${timeoutMs} ms`
      : exitCode === wanted
        ? `exit code ${exitCode} as expected`
        : `exit code ${exitCode}, expected ${wanted}`;
    console.log(`${name}: ${verdict}, ${stdout.length} bytes of stdout`);
  }
} else if (argv.length > 0) {
  const [name, ...rest] = argv;
  const { stdout, exitCode, timedOut } = runCase(name, rest.length > 0 ? rest : undefined);
  process.stdout.write(stdout);
  process.stderr.write(timedOut ? `timed out after ${timeoutMs} ms\n` : `exit code: ${exitCode}\n`);
} else {
  console.error("usage: run-on-node-wasi.mjs <name> [args...] | --record [name...]");
  process.exit(2);
}
