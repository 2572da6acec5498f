/**
 * `witx-wasi run`: runs one command module with our WASI class and reports how
 * it ended as an exit code. Everything that can go wrong before the guest runs
 * (an unreadable file, not a command, an import we lack, a --dir that is not a
 * directory) is one line on stderr, naming the problem.
 */
import { statSync } from "node:fs";
import { basename } from "node:path";
import { MemoryDirectory } from "../impl/memory/index.js";
import { WASI, wasiImportNames } from "../wasi/wasi.js";
import type { RunCommand } from "./args.js";
import { preflightWasm } from "./preflight.js";

export interface RunIo {
  /** Receives whole lines (without the newline) meant for stderr. */
  error(line: string): void;
}

/** Exit code for a guest that trapped: 128 + SIGABRT, what wasmtime uses on Unix. */
export const trapExitCode = 134;
/** Exit code when the host itself failed (a bug, not the guest's doing). */
export const hostFailureExitCode = 70;
/** Exit code for a setup problem found before the guest started. */
export const setupFailureExitCode = 1;

/** One line for a --dir whose host side is unusable, or null when it is a directory. */
function checkDirectory(hostPath: string): string | null {
  try {
    return statSync(hostPath).isDirectory() ? null : "is not a directory";
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ENOENT") return "no such directory";
    if (code === "EACCES" || code === "EPERM") return "permission denied";
    return String((error as Error).message ?? error).split("\n", 1)[0];
  }
}

/** The environment the guest gets: this process's (with --inherit-env), then --env pairs, later ones winning. */
function guestEnvironment(command: RunCommand): Record<string, string> {
  const env: Record<string, string> = {};
  if (command.inheritEnv) {
    for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of command.env) env[name] = value;
  return env;
}

/** Guest path → host path; WASI's options take an object, so one guest path can be given only once. */
function guestPreopens(command: RunCommand): Record<string, string> | string {
  const preopens: Record<string, string> = {};
  for (const { host, guest } of command.dirs) {
    if (Object.hasOwn(preopens, guest)) return `--dir: the guest path ${JSON.stringify(guest)} is given twice`;
    const problem = checkDirectory(host);
    if (problem !== null) return `--dir ${host}: ${problem}`;
    preopens[guest] = host;
  }
  return preopens;
}

export async function runWasmCommand(command: RunCommand, io: RunIo): Promise<number> {
  const version = command.version ?? "preview1";
  const names = wasiImportNames(version);
  const provided = new Map([[names.module, new Set(names.functions)]]);
  const checked = await preflightWasm(command.wasmPath, provided, { version, invoke: command.invoke });
  if (!checked.ok) {
    io.error(checked.message);
    return setupFailureExitCode;
  }

  const preopens = guestPreopens(command);
  if (typeof preopens === "string") {
    io.error(`witx-wasi: ${preopens}`);
    return setupFailureExitCode;
  }

  let wasi: WASI;
  try {
    wasi = new WASI({
      version,
      // argv[0] is the file's name, as wasmtime and wasmer give it.
      args: [basename(command.wasmPath), ...command.guestArgs],
      env: guestEnvironment(command),
      preopens,
      returnOnExit: true,
      trace: command.trace,
      deterministic: command.deterministic ? { seed: seedOf(command.seed) } : false,
      mounts: Object.fromEntries(command.memDirs.map((guest) => [guest, new MemoryDirectory()])),
      limits: Object.fromEntries(command.limits),
    });
  } catch (error) {
    // The WASI class names the option (options.limits.maxOpenFds); the flag behind it is plain from there.
    io.error(`witx-wasi: ${firstLine(error)}`);
    return setupFailureExitCode;
  }

  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(checked.module, wasi.getImportObject());
  } catch (error) {
    wasi.close();
    io.error(`witx-wasi: ${command.wasmPath}: cannot instantiate: ${firstLine(error)}`);
    return error instanceof WebAssembly.RuntimeError ? trapExitCode : setupFailureExitCode;
  }

  try {
    if (command.invoke === undefined) return wasi.start(instance);
    wasi.initialize(instance);
    const result: unknown = (instance.exports[command.invoke] as () => unknown)();
    if (result !== undefined) process.stdout.write(`${result}\n`);
    wasi.close();
    return 0;
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      io.error(`witx-wasi: ${command.wasmPath}: the program trapped: ${firstLine(error)}`);
      for (const frame of wasmFrames(error)) io.error(`    ${frame}`);
      return trapExitCode;
    }
    io.error(`witx-wasi: ${command.wasmPath}: host failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return hostFailureExitCode;
  }
}

/** `--seed 42` is the number 42, as `deterministic: { seed: 42 }` would be; other text is a string seed. */
function seedOf(seed: string | undefined): number | string | undefined {
  return seed !== undefined && /^-?\d{1,15}$/.test(seed) ? Number(seed) : seed;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^WebAssembly\.\w+\(\): /, "").split("\n", 1)[0];
}

/** The guest's part of a trap's stack: the frames inside wasm code, which are what a guest author can act on. */
function wasmFrames(error: Error): string[] {
  return (error.stack ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at ") && line.includes("wasm://"));
}
