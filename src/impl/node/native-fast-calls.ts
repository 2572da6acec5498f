/**
 * Imports that wasm calls without entering JavaScript (native/fast/fast-calls.cc
 * says how): clock_time_get, random_get and fd_read, where the host's method is
 * the Node host's own. node:wasi's imports are all of this kind; a clock reading
 * through the JavaScript glue cost twice node:wasi's, nearly all of it the
 * crossing into JavaScript (bench/RESULTS.md).
 *
 * A native import serves its common case (the realtime and monotonic clocks,
 * random requests up to 256 bytes, reads of the file the host lent it, see
 * native-read-lender.ts) into the memory the WASI object was started with, and
 * calls the glue for everything else, so errors, traps and the rest behave
 * exactly as without it. Optional like the path addon: missing, built for
 * another V8, or WITX_WASI_NATIVE=0, and the import object is the glue alone.
 */
import type { WasmMemory } from "../../runtime/memory.js";
import { loadAddon } from "./addon-file.js";

type ImportFunction = (...args: never[]) => number;

/**
 * The addon's exports; none where V8 has no fast calls from wasm. An import is one
 * function per thread, bound per WASI object to its state: fallbacks call the function of
 * the same name in the state's `glue` object.
 */
interface FastCallsAddon {
  clock_time_get?: ImportFunction;
  random_get?: ImportFunction;
  fd_read?: ImportFunction;
  bindMemory?(state: ArrayBuffer, buffer: ArrayBufferLike | null): void;
  /** CLOCK_REALTIME in nanoseconds: the wall clock the native clock_time_get reads. */
  realtime?(): bigint;
  /** The path addon's open, stat, unlink and mkdir as fast calls, falling back to its own (undefined if one is missing). */
  pathCalls?(pathAddon: object): object | undefined;
}

let addon: FastCallsAddon | null | undefined;

function fastCalls(): FastCallsAddon | null {
  addon ??= process.env.WITX_WASI_NATIVE === "0" ? null : loadAddon<FastCallsAddon>("native/fast", "witx_wasi_fast.node");
  return addon;
}

/**
 * The wall clock the native clock_time_get reads, when the addon is here (null
 * otherwise): the JavaScript clock source reads it too, so that an absolute
 * realtime deadline or a file time agrees with the guest's own readings.
 */
export function nativeRealtime(): (() => bigint) | null {
  return fastCalls()?.realtime ?? null;
}

/**
 * The path addon's exports with open, stat, unlink and mkdir made fast calls from
 * optimized JavaScript (native/fast/fast-calls.cc); the exports as they are where
 * this addon is missing or V8 has no fast calls.
 */
export function withFastPathCalls<T extends object>(pathAddon: T): T {
  const fast = fastCalls()?.pathCalls?.(pathAddon);
  // Defined, not assigned: the addon's own functions are read-only properties.
  return fast === undefined ? pathAddon : (Object.create(pathAddon, Object.getOwnPropertyDescriptors(fast)) as T);
}

/*
 * The state the native functions of one host share with it, as native/fast/fast-calls.cc
 * lays it out: the memory's base (8 bytes, bindMemory writes it), the iovec limit (u32 at
 * byte 8), then `lentSlots` slots of 16 bytes from byte 16: a lent guest fd (i32, -1 for
 * a free slot), its host fd (i32) and its position (f64); then a mark (u8) per guest fd
 * below `lendableFds` (0 nothing, 1 fresh: opened and not used since, 2 + slot: lent),
 * and the host fd (i32) of each fresh one.
 */
export const lentSlots = 8;
export const lendableFds = 128;
export const marksAt = 16 + lentSlots * 16;
export const freshHostFdsAt = marksAt + lendableFds;
const stateBytes = freshHostFdsAt + 4 * lendableFds;
const stateMaxIovecs = 2;
/** Indexes of a slot's fields in an Int32Array and a Float64Array over the state. */
export const slotGuestFd = (slot: number) => 4 + slot * 4;
export const slotHostFd = (slot: number) => 5 + slot * 4;
export const slotPosition = (slot: number) => 3 + slot * 2;

/** A new state: no memory, nothing lent, reads of at most `maxIovecs` buffers served. */
export function createNativeState(maxIovecs: number): ArrayBuffer {
  const state = new ArrayBuffer(stateBytes);
  const words = new Int32Array(state);
  for (let slot = 0; slot < lentSlots; slot++) words[slotGuestFd(slot)] = -1;
  words[stateMaxIovecs] = Math.min(maxIovecs, 16);
  return state;
}

/** The imports the addon can make native. */
export type NativeImportName = "clock_time_get" | "random_get" | "fd_read";
const nativeImportNames: readonly NativeImportName[] = ["clock_time_get", "random_get", "fd_read"];

/** What the Node host says of one of its methods: the import it may become, its host's state, what to start when it does. */
interface NodeMethod {
  readonly name: NativeImportName;
  readonly state: ArrayBuffer;
  readonly onNative?: () => void;
}

const nodeMethods = new WeakMap<object, NodeMethod>();

/**
 * Called by the Node host for its methods a native import may stand in for: those
 * reading Node's own clock and randomness (none when the host was given others) and
 * fd_read, whose `onNative` lends files to it once it is native.
 */
export function markNodeMethod(method: object, mark: NodeMethod): void {
  nodeMethods.set(method, mark);
}

/** The imports whose method in `host` is the Node host's own, with their marks. */
function nodeOwnMethods(host: object, names: readonly NativeImportName[]): NodeMethod[] {
  const found: NodeMethod[] = [];
  for (const name of names) {
    const method: unknown = (host as Record<string, unknown>)[name];
    const mark = typeof method === "function" ? nodeMethods.get(method) : undefined;
    if (mark?.name === name) found.push(mark);
  }
  return found;
}

/** Of clock_time_get and random_get, those whose method in `host` is the Node host's own: what a worker may read itself. */
export function nodeOwnImports(host: object): NativeImportName[] {
  return nodeOwnMethods(host, ["clock_time_get", "random_get"]).map((mark) => mark.name);
}

/** An import object with native functions in it, and what lets them write the guest's memory once it is known. */
export interface NativeImports<T> {
  readonly imports: T;
  attach(memory: WasmMemory): void;
}

/**
 * `imports` with clock_time_get, random_get and fd_read native where `host`'s
 * methods are the Node host's own (of one host) and the addon is here; null when
 * none is. `imports` itself is not changed.
 */
export function withNativeImports<T extends object>(imports: T, host: object): NativeImports<T> | null {
  const marks = nodeOwnMethods(host, nativeImportNames);
  // Methods of two hosts (an embedder's composition) would need two states: the first host's only.
  const state = marks[0]?.state;
  const ofOneHost = marks.filter((mark) => mark.state === state);
  const native =
    state === undefined
      ? null
      : nativeImportsOver(
          imports,
          ofOneHost.map((mark) => mark.name),
          state,
        );
  if (native === null) return null;
  for (const mark of ofOneHost) if (mark.name in native.replaced) mark.onNative?.();
  return native;
}

/**
 * `imports` with the functions `names` native over `state`, each calling the one it
 * replaces for what it does not serve; null when the addon cannot make any of them.
 * The worker runner's guest side uses it directly, with the names the host thread found.
 */
export function nativeImportsOver<T extends object>(
  imports: T,
  names: readonly string[],
  state: ArrayBuffer = createNativeState(0),
): (NativeImports<T> & { readonly replaced: Record<string, ImportFunction> }) | null {
  const calls = fastCalls();
  const bindMemory = calls?.bindMemory;
  // A state serves one import object: a host given to a second WASI object keeps the glue there.
  if (calls === null || bindMemory === undefined || Object.hasOwn(state, "glue")) return null;
  const replaced: Record<string, ImportFunction> = {};
  for (const name of nativeImportNames) {
    if (!names.includes(name) || typeof (imports as Record<string, unknown>)[name] !== "function") continue;
    // Bound, so that V8 hands the state to the fast call as its receiver.
    const made = calls[name]?.bind(state);
    if (made !== undefined) replaced[name] = made;
  }
  if (Object.keys(replaced).length === 0) return null;
  // What a call the native side does not serve goes to: the functions being replaced.
  Object.defineProperty(state, "glue", { value: imports });
  return {
    imports: { ...imports, ...replaced },
    replaced,
    // Until then it writes nowhere: every call is the one replaced (the glue throws ERR_WASI_NOT_STARTED).
    attach: (memory) => bindMemory(state, memory.buffer),
  };
}
