/**
 * The constructor options of our WASI class that node:wasi does not have.
 * node:wasi ignores unknown keys, so code written for it never sets these by
 * accident; they are checked here after `parseWasiOptions` has done Node's own
 * checks, so a bad Node option is always the one reported first.
 *
 * Nothing here touches Node: the portable entry point uses the same checks, and
 * each entry point says where `trace: true` writes.
 */
import type { VirtualTimeOptions } from "../impl/deterministic/virtual-time.js";
import type { Preview1Host } from "../generated/preview1/host.js";
import { invalidArgType, invalidArgValue, outOfRange } from "./node-errors.js";
import type { BadPointerMode, HostErrorHook, TraceEvent, WasmMemory } from "../runtime/index.js";
import type { StdioOptions } from "./stdio-options.js";
import type { Mount } from "./wasi-mounts.js";
import type { WasiFeature } from "./features.js";
import { resolveHostLimits, type HostLimits, type LimitProblem } from "../runtime/index.js";

/** The `deterministic` option: the virtual clock's start and step, and the seed of the random source. */
export interface DeterministicOptions extends VirtualTimeOptions {
  /** Seeds random_get. A number (its integer part, mod 2^32), a bigint (mod 2^64) or a string (hashed). Default 0. */
  seed?: number | bigint | string;
}

export interface WasiExtraOptions {
  /**
   * What a bad guest pointer does: `"trap"` (default; a WebAssembly.RuntimeError,
   * as the witx documents and wasmtime do) or `"fault"` (the call returns
   * `errno.fault`, as node:wasi does).
   */
  badPointer?: BadPointerMode;
  /**
   * Log every WASI call with its decoded arguments and outcome: `true` writes
   * each line to stderr (the process's fd 2 on Node, console.error in the portable
   * entry point), a function receives each line, an object (TraceOptions) chooses
   * the functions and receives lines and/or structured events. Off (the default),
   * the import object is the generated glue itself, with no wrapper around it.
   */
  trace?: boolean | ((line: string) => void) | TraceOptions;
  /**
   * Optional parts the `witx-wasi/core` entry point leaves out of bundles unless
   * given here: `preview0Feature` for `version: "unstable"`, `tracingFeature` for
   * `trace`. The Node entry point always has both.
   */
  features?: readonly WasiFeature[];
  /**
   * Called when host code throws unexpectedly (an stdout callback, an extendHost
   * override); may return the errno to give the guest (the default is `errno.io`).
   * Without it, the first exception of each function is written to stderr with
   * its stack (console.warn on the portable entry point).
   */
  onHostError?: HostErrorHook;
  /**
   * The guest's memory, for modules that import their memory without exporting
   * it. node:wasi requires an exported `memory` and so do we unless this is given;
   * when given it is used instead of `instance.exports.memory`.
   */
  memory?: WasmMemory;
  /**
   * The guest's stdio as JavaScript values: stdin from a string, bytes or a
   * synchronous callback; stdout/stderr to a callback, a `captureOutput()` or
   * a writable stream (see StdioOptions). An entry given here wins over the
   * node:wasi option of the same name, which takes host fd numbers only.
   */
  stdio?: StdioOptions;
  /**
   * Replaces or wraps host methods: receives the host built for this object
   * and returns the one the guest calls, typically with `extendHost`.
   */
  host?: (base: Preview1Host) => Preview1Host;
  /**
   * A virtual clock and a seeded (non-cryptographic) random source, so runs are
   * reproducible: `true` for the defaults, or the seed, start time and step.
   */
  deterministic?: boolean | DeterministicOptions;
  /**
   * In-memory directories and embedder files at guest paths, as more preopens
   * after the host ones: `{ "/mem": new MemoryDirectory(), "/dev/zero": generatedDevice(...) }`
   * (see the README section "In-memory directories and embedder files" and wasi-mounts.ts for the rules).
   */
  mounts?: Record<string, Mount>;
  /**
   * Resource bounds for the guest (see HostLimits: open fds, iovecs per call, path
   * bytes, poll subscriptions, symlink hops); each key left out keeps its default.
   */
  limits?: Partial<HostLimits>;
}

export interface ParsedExtraOptions {
  badPointer: BadPointerMode;
  /** undefined when absent or false; anything else is checked by the tracing feature (src/wasi/trace-option.ts). */
  trace: unknown;
  features: readonly WasiFeature[];
  onHostError: HostErrorHook | undefined;
  memory: WasmMemory | undefined;
  stdio: StdioOptions | undefined;
  host: ((base: Preview1Host) => Preview1Host) | undefined;
  deterministic: DeterministicOptions | null;
  limits: HostLimits;
}

/** The limits' own check (src/runtime/limits.ts), reported as Node reports a bad option. */
function parseLimits(value: unknown): HostLimits {
  return resolveHostLimits(value, "options.limits", limitError);
}

function limitError(problem: LimitProblem): Error {
  switch (problem.kind) {
    case "not-an-object":
      return invalidArgType(problem.option, "Object", problem.value);
    case "unknown-limit":
      return invalidArgValue(problem.option, problem.value, `is not a host limit (known: ${problem.known.join(", ")})`);
    case "not-a-number":
      return invalidArgType(problem.option, "number", problem.value);
    case "not-a-positive-integer":
      return outOfRange(problem.option, "a positive integer", problem.value);
  }
}

function parseDeterministic(value: unknown): DeterministicOptions | null {
  if (value === undefined || value === false) return null;
  if (value === true) return {};
  if (value === null || typeof value !== "object") throw invalidArgType("options.deterministic", ["boolean", "Object"], value);
  const { seed, startTime, step } = value as Record<string, unknown>;
  if (seed !== undefined && typeof seed !== "number" && typeof seed !== "bigint" && typeof seed !== "string") {
    throw invalidArgType("options.deterministic.seed", ["number", "bigint", "string"], seed);
  }
  // A fractional, infinite or NaN seed would be truncated to some other seed without a word.
  if (typeof seed === "number" && !Number.isSafeInteger(seed)) throw outOfRange("options.deterministic.seed", "a safe integer", seed);
  if (startTime !== undefined && typeof startTime !== "bigint" && !(startTime instanceof Date)) {
    throw invalidArgType("options.deterministic.startTime", ["bigint", "Date"], startTime);
  }
  if (step !== undefined && typeof step !== "bigint") throw invalidArgType("options.deterministic.step", "bigint", step);
  return value as DeterministicOptions;
}

/** The `trace` option as an object: where lines and events go, and which functions are traced. */
export interface TraceOptions {
  /** Receives each call as one line. Default: the entry point's stderr, unless `onEvent` is given. */
  log?: (line: string) => void;
  /** Receives each call as a structured event (function, arguments, result, duration). */
  onEvent?: (event: TraceEvent) => void;
  /** Trace only these WASI functions (e.g. `["path_open", "fd_read"]`); default all. */
  functions?: readonly string[];
}

export function parseExtraOptions(options: Record<string, unknown>): ParsedExtraOptions {
  const { badPointer = "trap", trace, onHostError, memory, stdio, host, deterministic, limits, features = [] } = options;
  if (
    !Array.isArray(features) ||
    !features.every((feature) => typeof feature === "object" && feature !== null && typeof feature.name === "string")
  ) {
    throw invalidArgType("options.features", "Array of features (preview0Feature, tracingFeature)", features);
  }
  if (badPointer !== "trap" && badPointer !== "fault") {
    throw invalidArgValue("options.badPointer", badPointer, "must be 'trap' or 'fault'");
  }
  if (onHostError !== undefined && typeof onHostError !== "function") {
    throw invalidArgType("options.onHostError", "function", onHostError);
  }
  if (memory !== undefined && !(memory instanceof WebAssembly.Memory)) {
    throw invalidArgType("options.memory", "WebAssembly.Memory", memory);
  }
  if (host !== undefined && typeof host !== "function") {
    throw invalidArgType("options.host", "function", host);
  }
  // Sockets wait for connections and data, which only the worker runner's host can do.
  if (options.sockets !== undefined) {
    throw invalidArgValue("options.sockets", options.sockets, "is taken only by runInWorker(): sockets need the worker runner");
  }
  return {
    badPointer,
    trace: trace === false ? undefined : trace,
    features: features as WasiFeature[],
    onHostError: onHostError as HostErrorHook | undefined,
    memory,
    // Checked entry by entry when the descriptors are made (describeStdio).
    stdio: stdio as StdioOptions | undefined,
    host: host as ((base: Preview1Host) => Preview1Host) | undefined,
    deterministic: parseDeterministic(deterministic),
    limits: parseLimits(limits),
  };
}
