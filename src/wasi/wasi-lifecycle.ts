/**
 * The checks node:wasi (Node v20.20.2) makes in `start(instance)` and
 * `initialize(instance)` before it runs the guest, in the same order and with
 * the same errors. notes/node-wasi-contract.md lists them.
 *
 * Two points that are easy to get wrong:
 * - The one start is used up *before* the instance is checked, so after a
 *   start()/initialize() that threw on a bad instance every later call throws
 *   ERR_WASI_ALREADY_STARTED. The functions here take the state object and
 *   mark it themselves to keep that order.
 * - Node does not require a real WebAssembly.Instance: any object whose
 *   `exports` is an object with a real WebAssembly.Memory as `memory` will do.
 */
import { codedError, invalidArgType, requireObject, wasiAlreadyStarted } from "./node-errors.js";
import type { WasmMemory } from "../runtime/index.js";

/** Per-WASI-object lifecycle state: whether start()/initialize() was called. */
export interface WasiLifecycleState {
  started: boolean;
}

type ExportsObject = Record<string, unknown>;

/** What start() runs: `_start`, called without a receiver as Node does. */
export interface CommandEntry {
  exports: ExportsObject;
  memory: WasmMemory;
  start: () => unknown;
}

/** What initialize() runs: `_initialize` when the reactor exports one. */
export interface ReactorEntry {
  exports: ExportsObject;
  memory: WasmMemory;
  initialize: (() => unknown) | undefined;
}

const memoryBufferGetter = Object.getOwnPropertyDescriptor(WebAssembly.Memory.prototype, "buffer")?.get;

/**
 * Brand check for a WebAssembly.Memory, like the C++ check Node uses: memories
 * from another realm pass, look-alikes built on Memory.prototype and proxies
 * do not (the buffer getter refuses anything without the internal slot).
 */
function isWasmMemory(value: unknown): value is WebAssembly.Memory {
  if (value === null || typeof value !== "object" || memoryBufferGetter === undefined) return false;
  try {
    memoryBufferGetter.call(value);
    return true;
  } catch {
    return false;
  }
}

/** Throws if start()/initialize() already ran on this WASI object, then marks it started. */
function claimStart(state: WasiLifecycleState): void {
  if (state.started) throw wasiAlreadyStarted();
  state.started = true;
}

/**
 * The instance checks start() and initialize() share. `memoryOverride` is our
 * `memory` option (not in node:wasi): the embedder names the guest's memory, so
 * the instance need not export one.
 */
function readInstance(instance: unknown, memoryOverride?: WasmMemory): { exports: ExportsObject; memory: WasmMemory } {
  requireObject(instance, "instance");
  const exports = instance.exports;
  requireObject(exports, "instance.exports");
  const memory = memoryOverride ?? exports.memory;
  if (!isWasmMemory(memory)) {
    // Node raises this one from C++: a plain TypeError with a code, worded differently.
    throw codedError(TypeError, "ERR_INVALID_ARG_TYPE", '"instance.exports.memory" property must be a WebAssembly.Memory object');
  }
  return { exports, memory };
}

/** start(): a command must export `_start` and must not export `_initialize`. */
export function validateInstanceForStart(instance: unknown, state: WasiLifecycleState, memoryOverride?: WasmMemory): CommandEntry {
  claimStart(state);
  const { exports, memory } = readInstance(instance, memoryOverride);
  const { _start, _initialize } = exports;
  if (typeof _start !== "function") throw invalidArgType("instance.exports._start", "function", _start);
  if (_initialize !== undefined) throw invalidArgType("instance.exports._initialize", "undefined", _initialize);
  return { exports, memory, start: _start as () => unknown };
}

/** initialize(): a reactor must not export `_start`; `_initialize` is optional but must be a function. */
export function validateInstanceForInitialize(instance: unknown, state: WasiLifecycleState, memoryOverride?: WasmMemory): ReactorEntry {
  claimStart(state);
  const { exports, memory } = readInstance(instance, memoryOverride);
  const { _start, _initialize } = exports;
  if (_start !== undefined) throw invalidArgType("instance.exports._start", "undefined", _start);
  if (_initialize !== undefined && typeof _initialize !== "function") {
    throw invalidArgType("instance.exports._initialize", "function", _initialize);
  }
  return { exports, memory, initialize: _initialize as (() => unknown) | undefined };
}
