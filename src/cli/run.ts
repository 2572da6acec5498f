/**
 * `witx-wasi run`: runs one command module with our WASI class and reports how
 * it ended as an exit code. Everything that can go wrong before the guest runs
 * (an unreadable file, not a command, an import we lack, a --dir that is not a
 * directory) is one line on stderr, naming the problem.
 */
import { fstatSync, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { MemoryDirectory } from "../impl/memory/index.js";
import { GuestStopped, GuestWorkerDied, runInWorker } from "../worker/run-in-worker.js";
import { WASI, wasiImportNames } from "../wasi/wasi.js";
import { SocketListenError } from "../worker/sockets.js";
import { importsThreadSpawn, THREAD_SPAWN_MODULE, THREAD_SPAWN_NAME } from "../worker/thread-spawn.js";
import type { RunCommand } from "./args.js";
import { preflightWasm } from "./preflight.js";

export interface RunIo {
  /** Receives whole lines (without the newline) meant for stderr. */
  error(line: string): void;
}

/** Exit code for a guest that trapped: 128 + SIGABRT, what wasmtime uses on Unix. */
const trapExitCode = 134;
/** Exit code when the host itself failed (a bug, not the guest's doing). */
const hostFailureExitCode = 70;
/** Exit code for a setup problem found before the guest started. */
const setupFailureExitCode = 1;

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

/** Exit code when --timeout stopped the program, as timeout(1) uses. */
const timeoutExitCode = 124;

/**
 * Whether stdin is a terminal or a pipe (or socket): then the program runs in
 * the worker runner, so a read returns each line as it arrives without
 * blocking the main thread, and poll() sees real readiness and the hangup at
 * EOF. A file or /dev/null as stdin is read in-thread, the faster mode.
 */
function stdinIsInteractive(): boolean {
  if (process.stdin.isTTY === true) return true;
  try {
    const stats = fstatSync(0);
    return stats.isFIFO() || stats.isSocket();
  } catch {
    return false;
  }
}

export async function runWasmCommand(command: RunCommand, io: RunIo): Promise<number> {
  const version = command.version ?? "preview1";
  const names = wasiImportNames(version);
  // wasi-threads' thread-spawn and the memory a threaded module imports come from the worker runner.
  const provided = new Map([
    [names.module, new Set(names.functions)],
    [THREAD_SPAWN_MODULE, new Set([THREAD_SPAWN_NAME])],
  ]);
  const checked = await preflightWasm(command.wasmPath, provided, { version, invoke: command.invoke, memoryImport: true });
  if (!checked.ok) {
    io.error(checked.message);
    return setupFailureExitCode;
  }

  const preopens = guestPreopens(command);
  if (typeof preopens === "string") {
    io.error(`witx-wasi: ${preopens}`);
    return setupFailureExitCode;
  }

  const options = {
    version,
    // argv[0] is the file's name, as wasmtime and wasmer give it.
    args: [basename(command.wasmPath), ...command.guestArgs],
    env: guestEnvironment(command),
    preopens,
    trace: command.trace,
    deterministic: command.deterministic ? { seed: seedOf(command.seed) } : false,
    mounts: Object.fromEntries(command.memDirs.map((guest) => [guest, new MemoryDirectory()])),
    limits: Object.fromEntries(command.limits),
  };
  // A reactor's export is called here, on this thread; a command with a timeout, sockets, live stdin
  // or threads runs in a worker.
  const inWorker = command.timeout !== undefined || command.tcpListen !== undefined || stdinIsInteractive() || needsWorker(checked.module);
  if (command.invoke === undefined && inWorker) return runInWorkerMode(command, options, io);
  let wasi: WASI;
  try {
    wasi = new WASI({ ...options, returnOnExit: true });
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
    return reportFailure(command, error, io);
  }
}

async function runInWorkerMode(command: RunCommand, options: Parameters<typeof runInWorker>[1], io: RunIo): Promise<number> {
  try {
    return await runInWorker(readFileSync(command.wasmPath), {
      ...options,
      stdio: { stdin: process.stdin },
      ...(command.tcpListen === undefined ? {} : { sockets: command.tcpListen }),
      ...(command.timeout === undefined ? {} : { timeout: command.timeout * 1000 }),
    });
  } catch (error) {
    if (error instanceof GuestStopped) {
      io.error(`witx-wasi: ${command.wasmPath}: stopped after the ${command.timeout} s timeout`);
      return timeoutExitCode;
    }
    if (error instanceof SocketListenError) {
      io.error(`witx-wasi: --tcplisten ${error.address}: cannot listen: ${(error.cause as Error).message}`);
      return setupFailureExitCode;
    }
    if (error instanceof GuestWorkerDied) {
      io.error(`witx-wasi: ${command.wasmPath}: host failure: ${error.message}`);
      return hostFailureExitCode;
    }
    if (isOptionError(error)) {
      io.error(`witx-wasi: ${firstLine(error)}`);
      return setupFailureExitCode;
    }
    return reportFailure(command, error, io);
  }
}

/** The WASI class's refusal of an option (Node-style `ERR_*` codes, or node:wasi's `UVWASI_*` start-up errors). */
function isOptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("ERR_") || code.startsWith("UVWASI_"));
}

/** A module that spawns threads or imports its memory runs only in the worker runner (which makes the shared memory). */
function needsWorker(module: WebAssembly.Module): boolean {
  return importsThreadSpawn(module) || WebAssembly.Module.imports(module).some((entry) => entry.kind === "memory");
}

function reportFailure(command: RunCommand, error: unknown, io: RunIo): number {
  if (error instanceof WebAssembly.RuntimeError) {
    io.error(`witx-wasi: ${command.wasmPath}: the program trapped: ${firstLine(error)}`);
    const guestStack = (error as { guestStack?: string }).guestStack;
    for (const frame of wasmFrames(guestStack ?? error.stack ?? "")) io.error(`    ${frame}`);
    return trapExitCode;
  }
  io.error(`witx-wasi: ${command.wasmPath}: host failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return hostFailureExitCode;
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
function wasmFrames(stack: string): string[] {
  return stack
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at ") && line.includes("wasm://"));
}
