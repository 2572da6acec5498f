/**
 * The constructor options of our WASI class that node:wasi does not have.
 * node:wasi ignores unknown keys, so code written for it never sets these by
 * accident; they are checked here after `parseWasiOptions` has done Node's own
 * checks, so a bad Node option is always the one reported first.
 */
import { writeSync } from "node:fs";
import { invalidArgType, invalidArgValue } from "./node-errors.js";
import type { BadPointerMode, HostErrorHook } from "./runtime/index.js";

export interface WasiExtraOptions {
  /**
   * What a bad guest pointer does: `"trap"` (default; a WebAssembly.RuntimeError,
   * as the witx documents and wasmtime do) or `"fault"` (the call returns
   * `errno.fault`, as node:wasi does).
   */
  badPointer?: BadPointerMode;
  /**
   * Log every WASI call with its decoded arguments and outcome: `true` writes
   * each line to the process's stderr, a function receives each line.
   */
  trace?: boolean | ((line: string) => void);
  /**
   * Called when host code throws unexpectedly; may return the errno to give the
   * guest (the default is `errno.io`).
   */
  onHostError?: HostErrorHook;
  /**
   * The guest's memory, for modules that import their memory without exporting
   * it. node:wasi requires an exported `memory` and so do we unless this is given;
   * when given it is used instead of `instance.exports.memory`.
   */
  memory?: WebAssembly.Memory;
}

export interface ParsedExtraOptions {
  badPointer: BadPointerMode;
  trace: ((line: string) => void) | null;
  onHostError: HostErrorHook | undefined;
  memory: WebAssembly.Memory | undefined;
}

/** Trace lines go straight to fd 2, synchronously, so they interleave correctly with the guest's own stderr writes. */
function traceToStderr(line: string): void {
  writeSync(2, `[wasi] ${line}\n`);
}

export function parseExtraOptions(options: Record<string, unknown>): ParsedExtraOptions {
  const { badPointer = "trap", trace = false, onHostError, memory } = options;
  if (badPointer !== "trap" && badPointer !== "fault") {
    throw invalidArgValue("options.badPointer", badPointer, "must be 'trap' or 'fault'");
  }
  if (typeof trace !== "boolean" && typeof trace !== "function") {
    throw invalidArgType("options.trace", ["boolean", "function"], trace);
  }
  if (onHostError !== undefined && typeof onHostError !== "function") {
    throw invalidArgType("options.onHostError", "function", onHostError);
  }
  if (memory !== undefined && !(memory instanceof WebAssembly.Memory)) {
    throw invalidArgType("options.memory", "WebAssembly.Memory", memory);
  }
  return {
    badPointer,
    trace: trace === true ? traceToStderr : trace === false ? null : (trace as (line: string) => void),
    onHostError: onHostError as HostErrorHook | undefined,
    memory,
  };
}
