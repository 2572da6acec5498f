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

/** The imports the addon can make native. */
export type NativeImportName = "clock_time_get" | "random_get";
const nativeImportNames: readonly NativeImportName[] = ["clock_time_get", "random_get"];

/** Host methods a native import reads the same source as, by import name. */
const nodeMethods = new WeakMap<object, NativeImportName>();

/** Called by the Node host for its methods that use Node's own clock and randomness (none when the host was given others). */
export function markNodeMethod(name: NativeImportName, method: object): void {
  nodeMethods.set(method, name);
}

/** The imports whose method in `host` is the Node host's own, which a native import may therefore serve. */
export function nodeOwnImports(host: object): NativeImportName[] {
  return nativeImportNames.filter((name) => {
    const method: unknown = (host as Record<string, unknown>)[name];
    return typeof method === "function" && nodeMethods.get(method) === name;
  });
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
  return nativeImportsOver(imports, nodeOwnImports(host));
}

/**
 * `imports` with the functions `names` native, each calling the one it replaces
 * for what it does not serve; null when the addon cannot make any of them. The
 * worker runner's guest side uses it directly, with the names the host thread found.
 */
export function nativeImportsOver<T extends object>(imports: T, names: readonly string[]): NativeImports<T> | null {
  if (names.length === 0) return null;
  const { makeImport, bindMemory } = fastCalls() ?? {};
  if (makeImport === undefined || bindMemory === undefined) return null;
  // Unbound it writes nowhere: until attach, every call is the one replaced (the glue throws ERR_WASI_NOT_STARTED).
  const state = new ArrayBuffer(8);
  const replaced: Record<string, ImportFunction> = {};
  for (const name of names) {
    const fallback: unknown = (imports as Record<string, unknown>)[name];
    // Bound, so that V8 hands the state to the fast call as its receiver.
    const made = typeof fallback === "function" ? makeImport(name, fallback as ImportFunction)?.bind(state) : undefined;
    if (made !== undefined) replaced[name] = made;
  }
  if (Object.keys(replaced).length === 0) return null;
  return {
    imports: { ...imports, ...replaced },
    attach: (memory) => bindMemory(state, memory.buffer),
  };
}
