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
import { WASI } from 'node:wasi';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const guestsDir = dirname(fileURLToPath(import.meta.url));
const cases = JSON.parse(readFileSync(join(guestsDir, 'cases.json'), 'utf8'));

/** Runs a case and returns its stdout bytes and exit code. */
async function runCase(name, argsOverride) {
  const spec = cases[name] ?? {};
  const args = [name, ...(argsOverride ?? spec.args ?? [])];
  const sandbox = mkdtempSync(join(tmpdir(), `guest-${name}-`));
  const scratch = mkdtempSync(join(tmpdir(), `guest-io-${name}-`));
  const stdoutPath = join(scratch, 'stdout');
  const stdinFd = openSync(spec.stdinFile ? join(guestsDir, spec.stdinFile) : '/dev/null', 'r');
  const stdoutFd = openSync(stdoutPath, 'w');
  try {
    const wasi = new WASI({
      version: 'preview1',
      args,
      env: spec.env ?? {},
      preopens: { '/sandbox': sandbox },
      stdin: stdinFd,
      stdout: stdoutFd,
      stderr: 2,
      returnOnExit: true,
    });
    const bytes = readFileSync(join(guestsDir, 'bin', `${name}.wasm`));
    const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject());
    const exitCode = wasi.start(instance);
    return { stdout: readFileSync(stdoutPath), exitCode };
  } finally {
    closeSync(stdinFd);
    closeSync(stdoutFd);
    rmSync(sandbox, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--record') {
  const names = argv.length > 1 ? argv.slice(1) : Object.keys(cases);
  for (const name of names) {
    const { stdout, exitCode } = await runCase(name);
    writeFileSync(join(guestsDir, 'expected', `${name}.node-wasi.txt`), stdout);
    const wanted = cases[name]?.exitCode ?? 0;
    const verdict = exitCode === wanted ? 'as expected' : `expected ${wanted}`;
    console.log(`${name}: exit code ${exitCode} (${verdict}), ${stdout.length} bytes of stdout`);
  }
} else if (argv.length > 0) {
  const [name, ...rest] = argv;
  const { stdout, exitCode } = await runCase(name, rest.length > 0 ? rest : undefined);
  process.stdout.write(stdout);
  process.stderr.write(`exit code: ${exitCode}\n`);
} else {
  console.error('usage: run-on-node-wasi.mjs <name> [args...] | --record [name...]');
  process.exit(2);
}
