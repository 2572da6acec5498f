/**
 * Command-line parsing for
 *
 *   witx-wasi run prog.wasm [--dir HOST[::GUEST]]... [--env K=V]... [--inherit-env]
 *                           [--version preview1|unstable] [--trace] [--timeout SECONDS]
 *                           [--tcplisten HOST:PORT]... -- args...
 *   witx-wasi prog.wasm ...        (the same: "run" may be left out)
 *   witx-wasi --version            (the tool's own version)
 *
 * Parsing only: nothing is read from disk or the environment here. Bad usage
 * comes back as a one-line message naming the option, with exit code 2 (the
 * usual code for usage errors), so the caller decides how to print it.
 */
import type { WasiVersion } from "../wasi/wasi-options.js";
import { parseListenAddress } from "../worker/listen-address.js";

interface DirMapping {
  host: string;
  guest: string;
}

export interface RunCommand {
  kind: "run";
  wasmPath: string;
  /** Preopened directories, in command-line order. */
  dirs: DirMapping[];
  /** `--env` pairs in command-line order; a later pair for the same name wins. */
  env: [name: string, value: string][];
  inheritEnv: boolean;
  /** Undefined when `--version` was not given. */
  version: WasiVersion | undefined;
  trace: boolean;
  /** `--timeout` in seconds; undefined when not given. */
  timeout: number | undefined;
  /** Everything after `--`; the program name (argv[0]) is not included. */
  guestArgs: string[];
  /** `--tcplisten` addresses in command-line order; absent when none was given. */
  tcpListen?: string[];
  /** `--deterministic` or `--seed`: a virtual clock and a seeded random source. */
  deterministic: boolean;
  /** `--seed`, as given (the WASI class checks it). */
  seed: string | undefined;
  /** `--mem-dir GUEST`: empty in-memory directories, in command-line order. */
  memDirs: string[];
  /** `--limit NAME=N` pairs (names of HostLimits), in command-line order. */
  limits: [name: string, value: number][];
  /** `--invoke NAME`: run a reactor (`_initialize`, then the export NAME) instead of `_start`. */
  invoke: string | undefined;
}

interface ToolVersionCommand {
  kind: "tool-version";
}

interface HelpCommand {
  kind: "help";
}

interface UsageError {
  kind: "usage-error";
  /** One line, starting with "witx-wasi: ". */
  message: string;
  exitCode: 2;
}

export type CliCommand = RunCommand | HelpCommand | ToolVersionCommand | UsageError;

export const usageText = `Usage: witx-wasi [run] PROGRAM.wasm [options] [-- ARGS...]
       witx-wasi --version

Runs a WASI command module. Arguments after -- are passed to the program.

Options:
  --dir HOST[::GUEST]   give the program the host directory HOST, seen as GUEST
                        (default: the same path as HOST); may be repeated
  --env NAME=VALUE      set an environment variable; may be repeated
  --inherit-env         pass this process's environment to the program
                        (--env entries override it)
  --version VERSION     WASI version to provide: preview1 (default) or unstable
  --trace               log each WASI call to stderr
  --deterministic       virtual clock and seeded random source: runs repeat exactly
  --seed SEED           the random source's seed (implies --deterministic)
  --mem-dir GUEST       give the program an empty in-memory directory at GUEST;
                        may be repeated
  --limit NAME=N        a resource bound: maxOpenFds, maxIovecs, maxPathBytes,
                        maxPollSubscriptions or maxSymlinkHops; may be repeated
  --invoke NAME         run a reactor: call _initialize, then the export NAME
  --timeout SECONDS     stop the program after SECONDS (exit code 124)
  --tcplisten HOST:PORT listen on HOST:PORT and give the program the listening
                        socket, at fd 3, 4, ... in order (before the --dir
                        directories), as wasmtime does; may be repeated
  -h, --help            show this help

The program runs in a worker thread, with its WASI host on the main thread,
when stdin is a terminal or a pipe (so each line reaches it as it arrives and
poll() sees real readiness), when --timeout or --tcplisten is given, or when
the program spawns threads (wasi-threads); otherwise (and with --invoke) it
runs on the main thread.
`;

const versions: readonly WasiVersion[] = ["preview1", "unstable"];

function usageError(problem: string): UsageError {
  return { kind: "usage-error", message: `witx-wasi: ${problem} (see witx-wasi --help)`, exitCode: 2 };
}

/** Thrown inside the parser and turned into a UsageError at the top. */
class UsageProblem extends Error {}

function parseDir(value: string): DirMapping {
  const split = value.indexOf("::");
  const host = split === -1 ? value : value.slice(0, split);
  const guest = split === -1 ? value : value.slice(split + 2);
  if (host === "") throw new UsageProblem(`--dir ${JSON.stringify(value)} has an empty host path`);
  if (guest === "") throw new UsageProblem(`--dir ${JSON.stringify(value)} has an empty guest path after "::"`);
  return { host, guest };
}

function parseEnvPair(value: string): [string, string] {
  const split = value.indexOf("=");
  if (split === -1) throw new UsageProblem(`--env ${JSON.stringify(value)} must have the form NAME=VALUE`);
  if (split === 0) throw new UsageProblem(`--env ${JSON.stringify(value)} has an empty name`);
  return [value.slice(0, split), value.slice(split + 1)];
}

function parseVersionValue(value: string): WasiVersion {
  const version = versions.find((known) => known === value);
  if (version === undefined) {
    throw new UsageProblem(`--version must be preview1 or unstable, not ${JSON.stringify(value)}`);
  }
  return version;
}

function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageProblem(`--timeout must be a number of seconds greater than 0, not ${JSON.stringify(value)}`);
  }
  return seconds;
}

function parseLimit(value: string): [string, number] {
  const match = /^(\w+)=(\d+)$/.exec(value);
  if (match === null) throw new UsageProblem(`--limit ${JSON.stringify(value)} must have the form NAME=N`);
  return [match[1], Number(match[2])];
}

function parseTcpListen(value: string): string {
  if (parseListenAddress(value) === null)
    throw new UsageProblem(`--tcplisten must be HOST:PORT with a port from 0 to 65535, not ${JSON.stringify(value)}`);
  return value;
}

const valueOptions = new Set(["--dir", "--env", "--version", "--timeout", "--tcplisten", "--seed", "--mem-dir", "--limit", "--invoke"]);
const flagOptions = new Set(["--inherit-env", "--trace", "--deterministic"]);

/** Parses the arguments after the executable name (process.argv.slice(2)). */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const separator = argv.indexOf("--");
  const own = separator === -1 ? argv : argv.slice(0, separator);
  // Help wins over everything else before "--", so `run --bad --help` still helps.
  if (own.includes("--help") || own.includes("-h")) return { kind: "help" };
  // Alone, --version is the tool's; after a program it is the WASI version.
  if (own.length === 1 && own[0] === "--version") return { kind: "tool-version" };
  try {
    return parseRun(own, separator === -1 ? [] : argv.slice(separator + 1));
  } catch (error) {
    if (error instanceof UsageProblem) return usageError(error.message);
    throw error;
  }
}

function parseRun(given: readonly string[], guestArgs: string[]): RunCommand {
  // `witx-wasi prog.wasm` means `witx-wasi run prog.wasm`.
  const own = given.length > 0 && given[0] !== "run" && /\.wasm$/i.test(given[0]) ? ["run", ...given] : given;
  const [command, ...rest] = own;
  if (command === undefined) throw new UsageProblem('missing command; expected "run"');
  if (command.startsWith("-")) throw new UsageProblem(`option ${command} must come after "run"`);
  if (command !== "run") throw new UsageProblem(`unknown command ${JSON.stringify(command)}; expected "run"`);

  const result: RunCommand = {
    kind: "run",
    wasmPath: "",
    dirs: [],
    env: [],
    inheritEnv: false,
    version: undefined,
    trace: false,
    timeout: undefined,
    guestArgs,
    deterministic: false,
    seed: undefined,
    memDirs: [],
    limits: [],
    invoke: undefined,
  };
  let wasmPath: string | undefined;

  for (let i = 0; i < rest.length; i++) {
    const token = rest[i];
    if (!token.startsWith("-") || token === "-") {
      if (wasmPath !== undefined) {
        throw new UsageProblem(`unexpected argument ${JSON.stringify(token)}; put program arguments after --`);
      }
      wasmPath = token;
      continue;
    }
    // Both "--opt value" and "--opt=value".
    const equals = token.indexOf("=");
    const name = token.startsWith("--") && equals !== -1 ? token.slice(0, equals) : token;
    const inlineValue = name === token ? undefined : token.slice(equals + 1);

    if (flagOptions.has(name)) {
      if (inlineValue !== undefined) throw new UsageProblem(`${name} takes no value`);
      if (name === "--trace") result.trace = true;
      else if (name === "--deterministic") result.deterministic = true;
      else result.inheritEnv = true;
      continue;
    }
    if (!valueOptions.has(name)) throw new UsageProblem(`unknown option ${name}`);

    let value = inlineValue;
    if (value === undefined) {
      const next = rest[i + 1];
      // "--dir --trace" is far more likely a forgotten value than a path;
      // such a value can still be given as "--dir=--odd".
      if (next === undefined || next.startsWith("--")) throw new UsageProblem(`${name} needs a value`);
      value = next;
      i++;
    }
    if (name === "--dir") result.dirs.push(parseDir(value));
    else if (name === "--env") result.env.push(parseEnvPair(value));
    else if (name === "--timeout") result.timeout = parseTimeout(value);
    else if (name === "--seed") [result.seed, result.deterministic] = [value, true];
    else if (name === "--mem-dir") result.memDirs.push(value);
    else if (name === "--limit") result.limits.push(parseLimit(value));
    else if (name === "--invoke") result.invoke = value;
    else if (name === "--tcplisten") result.tcpListen = [...(result.tcpListen ?? []), parseTcpListen(value)];
    else result.version = parseVersionValue(value);
  }

  if (wasmPath === undefined) throw new UsageProblem("missing the .wasm file to run");
  result.wasmPath = wasmPath;
  return result;
}
