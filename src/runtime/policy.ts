/**
 * One error policy for every generated import, in one place:
 * - a bad guest pointer (out of bounds, misaligned, overflowing) traps, as the witx
 *   docs say it shall and as wasmtime does; embedders may ask for `fault` instead;
 * - a value that its type does not allow gives `inval` (checked inline by the glue,
 *   or raised from a generated reader as `InvalidGuestValue`);
 * - an exception thrown by host code becomes an errno and is reported to a hook,
 *   except traps and errors marked as passthrough (`proc_exit` unwinding).
 */
import { InvalidGuestValue } from "./codec.js";
import type { GuestMemory } from "./memory.js";

/** What the glue does with a bad guest pointer: throw a `WebAssembly.RuntimeError`, or return `errno.fault`. */
export type BadPointerMode = "trap" | "fault";

/**
 * Called when host code throws. Return an errno to give the guest, or nothing for
 * the default (`io`).
 */
export type HostErrorHook = (functionName: string, error: unknown) => number | void;

export interface GlueOptions {
  /** Default `"trap"`. */
  badPointer?: BadPointerMode;
  onHostError?: HostErrorHook;
  /**
   * Longest list (iovec array) a call may pass, default 1024 (Linux's IOV_MAX).
   * Longer ones get `inval` before anything is decoded, so a guest cannot make the
   * host build a view per element of a list as long as its memory.
   */
  maxListLength?: number;
  /**
   * Longest string (path) in bytes, default 4096 (Linux's PATH_MAX). Longer ones get
   * `nametoolong` before they are decoded.
   */
  maxStringBytes?: number;
}

/**
 * Errors carrying this property set to true pass through the glue unchanged; the
 * WASI class marks its exit signal with it so `proc_exit` unwinds the guest.
 */
export const PASSTHROUGH: unique symbol = Symbol.for("witx-wasi.passthrough") as never;

export function isPassthrough(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { [PASSTHROUGH]?: boolean })[PASSTHROUGH] === true;
}

/** Raised by a `GuestPointer` access in fault mode; the glue turns it into `errno.fault`. */
export class GuestFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GuestFault";
  }
}

/** The errno values of one witx module that the policy needs. */
export interface PolicyErrnos {
  readonly fault: number;
  readonly io: number;
  readonly inval: number;
}

export class CallPolicy {
  readonly mode: BadPointerMode;
  readonly maxListLength: number;
  readonly maxStringBytes: number;
  private readonly hook: HostErrorHook | undefined;

  constructor(
    readonly moduleName: string,
    private readonly errnos: PolicyErrnos,
    options: GlueOptions = {},
  ) {
    const mode = options.badPointer ?? "trap";
    if (mode !== "trap" && mode !== "fault") {
      throw new TypeError(`The "badPointer" option must be "trap" or "fault". Received ${String(mode)}`);
    }
    this.mode = mode;
    this.hook = options.onHostError;
    this.maxListLength = boundOption("maxListLength", options.maxListLength, 1024);
    this.maxStringBytes = boundOption("maxStringBytes", options.maxStringBytes, 4096);
  }

  /** A bad pointer in an argument: traps, or returns `fault`. */
  badPointer(functionName: string, argument: string, memory: GuestMemory): number {
    const message = `${this.moduleName}.${functionName}: argument ${argument}: ${memory.lastProblem}`;
    if (this.mode === "trap") throw new WebAssembly.RuntimeError(message);
    return this.errnos.fault;
  }

  /** The same check failing inside host code, where only an exception can leave. */
  raiseBadPointer(functionName: string, argument: string, memory: GuestMemory): never {
    const message = `${this.moduleName}.${functionName}: argument ${argument}: ${memory.lastProblem}`;
    if (this.mode === "trap") throw new WebAssembly.RuntimeError(message);
    throw new GuestFault(message);
  }

  /** Maps an exception thrown while the host ran to an errno, or rethrows a trap or passthrough. */
  hostFailure(functionName: string, error: unknown): number {
    if (error instanceof WebAssembly.RuntimeError || isPassthrough(error)) throw error;
    if (error instanceof GuestFault) return this.errnos.fault;
    if (error instanceof InvalidGuestValue) return this.errnos.inval;
    const chosen = this.hook?.(functionName, error);
    return typeof chosen === "number" ? chosen : this.errnos.io;
  }
}

function boundOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`The "${name}" option must be a non-negative integer. Received ${String(value)}`);
  }
  return value;
}
