/**
 * `createWasi`: the browser-first API of `witx-wasi/core`. Same host, glue and
 * lifecycle (wasi-session.ts) as the WASI class, without node:wasi's
 * compatibility layer (ERR_* error shapes, `version`, `returnOnExit`, host fds),
 * deterministic mode, tracing or preview0, so a bundle carries none of them.
 * Its options are checked here, each error naming the option.
 */
import { createPreview1Imports, type Preview1Imports } from "../generated/preview1/glue.js";
import type { Preview1Host } from "../generated/preview1/host.js";
import type { FileDescription } from "../impl/description.js";
import type { HostLimits } from "../impl/limits.js";
import { plannerOf, type MountErrors, type MountPlan } from "../impl/memory/mount-planner.js";
import { portableHostWith, type PortableHostOptions } from "../impl/portable/index.js";
import type { ClosableHost } from "../impl/preview1/compose-host.js";
import { StreamsOnlyHost } from "../impl/preview1/streams-only.js";
import { ConsoleLineSink } from "../impl/stdio/console-sink.js";
import { InputSourceDescription, type StdinSource } from "../impl/stdio/input-source.js";
import { OutputSinkDescription, type OutputCallback, type OutputCapture } from "../impl/stdio/output-sink.js";
import type { BadPointerMode, HostErrorHook, WasmMemory } from "../runtime/index.js";
import type { WritableLike } from "./stdio-options.js";
import type { Mount } from "./wasi-mounts.js";
import { WasiSession } from "./wasi-session.js";

/** A guest's fd 1 or 2: a callback given a copy of each write, a `captureOutput()`, or anything with `write(bytes)`. */
export type CoreOutput = OutputCallback | OutputCapture | WritableLike;

export interface CoreWasiOptions {
  /** argv, argv[0] included. Default: none. */
  args?: readonly string[];
  /** The environment, name → value. Default: empty. */
  env?: Readonly<Record<string, string>>;
  /** stdin: a string, bytes or a synchronous source function (default: empty). stdout/stderr default to console.log/console.error by line. */
  stdio?: { stdin?: string | Uint8Array | StdinSource; stdout?: CoreOutput; stderr?: CoreOutput };
  /** In-memory directories and embedder files at guest paths, as for the WASI class. */
  mounts?: Readonly<Record<string, Mount>>;
  /** Resource bounds; defaults in defaultHostLimits. */
  limits?: Partial<HostLimits>;
  /** A bad guest pointer traps (`"trap"`, default) or returns `errno.fault` (`"fault"`). */
  badPointer?: BadPointerMode;
  /** Host code threw; may return the guest's errno. Default: console.error, and `errno.io`. */
  onHostError?: HostErrorHook;
  /** Replaces or wraps host methods, typically with `extendHost`. */
  host?: (base: Preview1Host) => Preview1Host;
}

/** One guest run (one instance; make another for the next). */
export interface CoreWasi {
  readonly wasiImport: Preview1Imports;
  /** `{ wasi_snapshot_preview1: wasiImport }`. */
  getImportObject(): { wasi_snapshot_preview1: Preview1Imports };
  /**
   * Runs `_start`; returns 0, or proc_exit's code. A trap is thrown as the
   * WebAssembly.RuntimeError it is. The guest's descriptors are closed either way.
   */
  start(instance: object): number;
  /** Prepares a reactor: calls `_initialize` if exported. proc_exit in a later export call throws WasiExit. */
  initialize(instance: object): void;
  /** Closes the guest's descriptors (start() does; reactors call it when done). */
  close(): void;
}

const knownOptions = ["args", "env", "stdio", "mounts", "limits", "badPointer", "onHostError", "host"];

function kindOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/** Throws unless `ok`: `createWasi: options.env.HOME must be a string (got number)`. */
function check(ok: boolean, name: string, expected: string, value: unknown): void {
  if (!ok) throw new TypeError(`createWasi: options${name && `.${name}`} must be ${expected} (got ${kindOf(value)})`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stdinOf(value: unknown): FileDescription {
  check(
    value === undefined || typeof value === "string" || value instanceof Uint8Array || typeof value === "function",
    "stdio.stdin",
    "a string, a Uint8Array or a function",
    value,
  );
  return new InputSourceDescription((value ?? "") as string | Uint8Array | StdinSource);
}

function outputOf(value: unknown, name: string, print: (line: string) => void): FileDescription {
  if (value === undefined) return new ConsoleLineSink(print);
  if (typeof value === "function") return new OutputSinkDescription(value as OutputCallback);
  const sink = value as WritableLike;
  check(typeof sink?.write === "function", `stdio.${name}`, "a function, a captureOutput() or an object with write(bytes)", value);
  return new OutputSinkDescription((bytes) => void sink.write(bytes));
}

const mountErrors: MountErrors = {
  invalidValue: (name, value, reason) => new TypeError(`createWasi: ${name} ${reason} (got ${String(value)})`),
  invalidType: (name, expected, value) => new TypeError(`createWasi: ${name} must be a ${expected.join(" or ")} (got ${kindOf(value)})`),
};

/**
 * `mounts`: the rules travel with the mounted values (MemoryDirectory,
 * readOnlyFile and generatedDevice carry mount-plan.ts), so an app that mounts
 * nothing bundles none of them. Without such a value nothing can be placed.
 */
function mountsOf(value: unknown): MountPlan | null {
  if (value === undefined) return null;
  check(isRecord(value), "mounts", "an object of guest path → mount", value);
  const entries = Object.entries(value as object);
  const plan = entries.map(([, mount]) => plannerOf(mount)).find((planner) => planner !== undefined);
  if (plan !== undefined) return plan(entries, [], mountErrors);
  if (entries.length === 0) return null;
  throw new TypeError(
    `createWasi: options.mounts['${entries[0][0]}'] must be a MemoryDirectory, or a file in one or from readOnlyFile or generatedDevice`,
  );
}

/** The portable host with `mounts` as its directories; without mounts the path_* and sock_* calls are streams-only.ts's. */
export function buildPortableHost(options: Omit<PortableHostOptions, "descriptionPreopens">, mounts: MountPlan | null): ClosableHost {
  return portableHostWith({ ...options, descriptionPreopens: mounts?.preopens }, mounts?.hostClass ?? StreamsOnlyHost);
}

/**
 * Builds the host and the `wasi_snapshot_preview1` imports of one guest run.
 *
 *     const stdout = captureOutput();
 *     const wasi = createWasi({ args: ["prog"], stdio: { stdin: "input", stdout } });
 *     const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject());
 *     const code = wasi.start(instance);
 */
export function createWasi(options: CoreWasiOptions = {}): CoreWasi {
  check(isRecord(options), "", "an object", options);
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!knownOptions.includes(key))
      throw new TypeError(`createWasi: options.${key} is not an option (they are ${knownOptions.join(", ")})`);
  }
  const { args = [], env = {}, stdio = {} } = given as { args?: unknown; env?: unknown; stdio?: Record<string, unknown> };
  check(Array.isArray(args), "args", "an array of strings", args);
  for (const [index, arg] of (args as unknown[]).entries()) check(typeof arg === "string", `args[${index}]`, "a string", arg);
  check(isRecord(env), "env", "an object of name → value", env);
  const environ = Object.entries(env as object).map(([name, value]) => {
    check(typeof value === "string", `env.${name}`, "a string", value);
    check(name !== "" && !name.includes("="), `env['${name}']`, 'named without "="', name);
    return `${name}=${value}`;
  });
  check(isRecord(stdio), "stdio", "an object", stdio);
  const stdin = stdinOf(stdio.stdin);
  const stdout = outputOf(stdio.stdout, "stdout", (line) => console.log(line));
  const stderr = outputOf(stdio.stderr, "stderr", (line) => console.error(line));
  const mounts = mountsOf(given.mounts);
  for (const name of ["host", "onHostError"])
    check(given[name] === undefined || typeof given[name] === "function", name, "a function", given[name]);
  const { limits } = options;
  const session = new WasiSession((onExit) =>
    buildPortableHost({ args: args as string[], env: environ, stdin, stdout, stderr, limits, onExit }, mounts),
  );
  let wasiImport: Preview1Imports;
  try {
    wasiImport = createPreview1Imports(options.host?.(session.host) ?? session.host, session.memory, {
      badPointer: options.badPointer,
      limits,
      onHostError: options.onHostError ?? ((name, error) => console.error(`wasi_snapshot_preview1.${name}: host error`, error)),
    });
  } catch (error) {
    session.close();
    throw error;
  }
  let started = false;
  /**
   * The instance's memory once it passes `problemOf`. One run per object: a
   * first call whose instance fails uses the object up and closes it.
   */
  const claim = (call: string, instance: object, problemOf: (exports: Record<string, unknown>) => string | null) => {
    if (started) throw new Error(`createWasi: ${call}(): start() or initialize() already ran; make a new one per instance`);
    started = true;
    const exports = (instance as { exports?: Record<string, unknown> } | null)?.exports ?? {};
    const problem = exports.memory instanceof WebAssembly.Memory ? problemOf(exports) : 'does not export its memory as "memory"';
    if (problem === null) return exports as { memory: WasmMemory } & Record<string, () => unknown>;
    session.close();
    throw new TypeError(`createWasi: ${call}(): the instance ${problem}`);
  };
  return {
    wasiImport,
    getImportObject: () => ({ wasi_snapshot_preview1: wasiImport }),
    start(instance) {
      const exports = claim("start", instance, ({ _start }) =>
        typeof _start === "function" ? null : 'has no "_start" function (a reactor? use initialize())',
      );
      return session.run(exports.memory, exports._start);
    },
    initialize(instance) {
      const exports = claim("initialize", instance, ({ _start, _initialize }) =>
        _start !== undefined
          ? 'exports "_start" (a command? use start())'
          : _initialize === undefined || typeof _initialize === "function"
            ? null
            : '"_initialize" is not a function',
      );
      session.prepare(exports.memory, exports._initialize);
    },
    close: () => session.close(),
  };
}
