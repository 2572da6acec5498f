/**
 * The error policy (error-policy.ts) applied to one import object: the table
 * resolved to one module's errno numbers and the embedder's options, once, when
 * the imports are created. The glue reads the numbers and limits it needs into
 * constants at that point and calls back here only when a check has failed.
 */
import { InvalidGuestValue } from "./codec.js";
import { errorPolicy, type GuestErrorKind, type PointerErrorKind, type PolicyErrno } from "./error-policy.js";
import { resolveHostLimits, type HostLimits } from "./limits.js";
import type { GuestMemory } from "./memory.js";

/** What the glue does with a bad guest pointer: throw a `WebAssembly.RuntimeError`, or return `errno.fault`. */
export type BadPointerMode = "trap" | "fault";

/**
 * Called when host code throws. Return an errno to give the guest, or nothing for
 * the default (`io`).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing (a logger) leaves the table's errno; `void` is what accepts it.
export type HostErrorHook = (functionName: string, error: unknown) => number | void;

export interface GlueOptions {
  /** Default `"trap"`. */
  badPointer?: BadPointerMode;
  onHostError?: HostErrorHook;
  /** The glue enforces `maxIovecs` and `maxPathBytes` of these; the others are for the host. */
  limits?: Partial<HostLimits>;
}

/**
 * Errors carrying this property set to true pass through the glue unchanged; the
 * WASI class marks its exit signal with it so `proc_exit` unwinds the guest.
 */
export const PASSTHROUGH: unique symbol = Symbol.for("witx-wasi.passthrough") as never;

function isPassthrough(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { [PASSTHROUGH]?: boolean })[PASSTHROUGH] === true;
}

/** Raised by a `GuestPointer` access in fault mode; the glue turns it into the errno of its kind. */
class GuestFault extends Error {
  constructor(
    message: string,
    readonly kind: PointerErrorKind,
  ) {
    super(message);
    this.name = "GuestFault";
  }
}

export class CallPolicy {
  readonly mode: BadPointerMode;
  readonly limits: Readonly<HostLimits>;
  /** The errno of each kind of failure, in this module's numbering. */
  readonly errno: { readonly [Kind in GuestErrorKind]: number };
  private readonly traps: { readonly [Kind in GuestErrorKind]: boolean };
  private readonly hook: HostErrorHook | undefined;

  constructor(
    readonly moduleName: string,
    errnos: { readonly [Name in PolicyErrno]: number },
    options: GlueOptions = {},
  ) {
    const mode = options.badPointer ?? "trap";
    if (mode !== "trap" && mode !== "fault") {
      throw new TypeError(`The "badPointer" option must be "trap" or "fault". Received ${String(mode)}`);
    }
    this.mode = mode;
    this.hook = options.onHostError;
    this.limits = resolveHostLimits(options.limits);
    const kinds = Object.keys(errorPolicy) as GuestErrorKind[];
    this.errno = Object.fromEntries(kinds.map((kind) => [kind, errnos[errorPolicy[kind].errno]])) as CallPolicy["errno"];
    this.traps = Object.fromEntries(
      kinds.map((kind) => [kind, errorPolicy[kind].outcome === "trap" && mode === "trap"]),
    ) as CallPolicy["traps"];
  }

  /** A bad pointer in an argument: traps, or returns its errno. */
  badPointer(functionName: string, argument: string, memory: GuestMemory): number {
    const kind = memory.lastFailure;
    if (this.traps[kind]) throw new WebAssembly.RuntimeError(this.describe(functionName, argument, memory));
    return this.errno[kind];
  }

  /** The same check failing inside host code, where only an exception can leave. */
  raiseBadPointer(functionName: string, argument: string, memory: GuestMemory): never {
    const kind = memory.lastFailure;
    const message = this.describe(functionName, argument, memory);
    if (this.traps[kind]) throw new WebAssembly.RuntimeError(message);
    throw new GuestFault(message, kind);
  }

  /** Maps an exception thrown while the host ran to an errno, or rethrows a trap or passthrough. */
  hostFailure(functionName: string, error: unknown): number {
    if (error instanceof WebAssembly.RuntimeError || isPassthrough(error)) throw error;
    if (error instanceof GuestFault) return this.errno[error.kind];
    if (error instanceof InvalidGuestValue) return this.errno.badEnum;
    const chosen = this.hook?.(functionName, error);
    return typeof chosen === "number" ? chosen : this.errno.hostException;
  }

  private describe(functionName: string, argument: string, memory: GuestMemory): string {
    return `${this.moduleName}.${functionName}: argument ${argument}: ${memory.lastProblem}`;
  }
}
