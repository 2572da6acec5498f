/**
 * Imports that wasm calls without entering JavaScript (native/fast/fast-calls.cc
 * says how): clock_time_get and random_get, where the host's method is the
 * Node host's own. node:wasi's imports are all of this kind; a clock reading
 * through the JavaScript glue cost twice node:wasi's, nearly all of it the
 * crossing into JavaScript (bench/RESULTS.md).
 *
 * A native import serves its common case (the realtime and monotonic clocks,
 * random requests up to 256 bytes) into the memory the WASI object was started
 * with, and calls the glue for everything else, so errors, traps and the rest
 * behave exactly as without it. Optional like the path addon: missing, built
 * for another V8, or WITX_WASI_NATIVE=0, and the import object is the glue alone.
 */
import type { WasmMemory } from "../../runtime/memory.js";
import { loadAddon } from "./addon-file.js";

type ImportFunction = (...args: never[]) => number;

interface FastCallsAddon {
  /** A fast-call function over `glue` for the import `name` (undefined for others), to be bound to an 8-byte ArrayBuffer bindMemory fills. Absent where V8 has no fast calls from wasm. */
  makeImport?(name: string, glue: ImportFunction): ImportFunction | undefined;
  bindMemory?(state: ArrayBuffer, buffer: ArrayBufferLike | null): void;
}

let addon: FastCallsAddon | null | undefined;

function fastCalls(): FastCallsAddon | null {
  addon ??= process.env.WITX_WASI_NATIVE === "0" ? null : loadAddon<FastCallsAddon>("native/fast", "witx_wasi_fast.node");
  return addon;
}

/** Host methods a native import reads the same source as, by import name. */
const nodeMethods = new WeakMap<object, string>();

/** Called by the Node host for its methods that use Node's own clock and randomness (none when the host was given others). */
export function markNodeMethod(name: "clock_time_get" | "random_get", method: object): void {
  nodeMethods.set(method, name);
}

/** An import object with native functions in it, and what lets them write the guest's memory once it is known. */
export interface NativeImports<T> {
  readonly imports: T;
  attach(memory: WasmMemory): void;
}

/**
 * `imports` with clock_time_get and random_get native where `host`'s methods are
 * the Node host's own and the addon is here; null when none is. `imports` itself
 * is not changed.
 */
export function withNativeImports<T extends object>(imports: T, host: object): NativeImports<T> | null {
  const calls = fastCalls();
  const { makeImport, bindMemory } = calls ?? {};
  if (makeImport === undefined || bindMemory === undefined) return null;
  // Unbound it writes nowhere: until attach, every call is the glue's (which throws ERR_WASI_NOT_STARTED).
  const state = new ArrayBuffer(8);
  const replaced: Record<string, ImportFunction> = {};
  let any = false;
  for (const name of ["clock_time_get", "random_get"]) {
    const method: unknown = (host as Record<string, unknown>)[name];
    const glue: unknown = (imports as Record<string, unknown>)[name];
    if (typeof method !== "function" || nodeMethods.get(method) !== name || typeof glue !== "function") continue;
    // Bound, so that V8 hands the state to the fast call as its receiver.
    const made = makeImport(name, glue as ImportFunction)?.bind(state);
    if (made === undefined) continue;
    replaced[name] = made;
    any = true;
  }
  if (!any) return null;
  return {
    imports: { ...imports, ...replaced },
    attach: (memory) => bindMemory(state, memory.buffer),
  };
}
