/**
 * Host methods that may answer later. In the worker runner a host method (a
 * whole host, an `extendAsyncHost` override, a stdin that has no data yet) may
 * return a Promise of its errno; the guest waits in its worker meanwhile and
 * the embedder's event loop keeps running.
 *
 * The generated glue stays synchronous. A returned promise is caught by
 * `Suspension.wrap`, which parks it and unwinds the glue call with a
 * passthrough signal; the dispatcher awaits the promise and then calls the
 * same glue import again with the same arguments. The glue's checks give the
 * same answers the second time (the guest, the only one changing its memory
 * or its fd table, is blocked), and when it reaches the host method the
 * wrapper hands back the settled result instead of calling it again. Values
 * the method stored in its `Out` while running are in place: the glue passes
 * the same `Out` object on every call of a function.
 */
import type { Preview1Host } from "../generated/preview1/host.js";
import { PASSTHROUGH } from "../runtime/index.js";
import { extendHost, type OnlyHostMethods } from "../impl/extend-host.js";

/** `H` with every method allowed to return a Promise of its result: what the worker runner accepts. */
export type AsyncHost<H> = {
  [K in keyof H]: H[K] extends (...args: infer A) => infer R ? (...args: A) => R | Promise<R> : H[K];
};

/** A Preview1Host whose methods may be async; only the worker runner accepts one. */
export type AsyncPreview1Host = AsyncHost<Preview1Host>;

/** Some methods of an AsyncPreview1Host. */
export type AsyncHostOverrides = Partial<AsyncPreview1Host>;

/**
 * extendHost for the worker runner: the same checks and result, with
 * overrides (and `original`'s methods) allowed to be async.
 */
export function extendAsyncHost<H extends AsyncPreview1Host, O>(
  base: H,
  extension: (original: Readonly<AsyncPreview1Host>) => AsyncHostOverrides & O & OnlyHostMethods<O>,
): H {
  return extendHost(base as unknown as Preview1Host, extension as never) as unknown as H;
}

/** The signal that unwinds a glue call whose host method answered with a promise. */
class Suspended extends Error {
  readonly [PASSTHROUGH] = true;
  constructor() {
    super("waiting for the host method's promise; the call is replayed when it settles");
    this.name = "Suspended";
  }
}

type Settled =
  | { readonly name: string; readonly ok: true; readonly value: unknown }
  | { readonly name: string; readonly ok: false; readonly error: unknown };

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

/** Parks the promise of the one call in flight and replays its result. */
export class Suspension {
  private parked: { name: string; promise: PromiseLike<unknown> } | null = null;
  private settled: Settled | null = null;
  private readonly signal = new Suspended();

  /**
   * `host` with each of `names` wrapped: a promise result is parked and the
   * call unwinds; on the replay the settled result comes back instead.
   */
  wrap<H extends object>(host: AsyncHost<H>, names: readonly string[]): H {
    const wrapped: Record<string, unknown> = { ...host };
    for (const name of names) {
      const method = (host as Record<string, unknown>)[name];
      if (typeof method !== "function") continue;
      wrapped[name] = (...args: unknown[]): unknown => {
        const settled = this.settled;
        if (settled !== null) {
          this.settled = null;
          if (settled.name !== name) throw new Error(`worker runner: replayed ${name} but ${settled.name} was pending`);
          if (!settled.ok) throw settled.error;
          return settled.value;
        }
        const value: unknown = method.apply(host, args);
        if (!isThenable(value)) return value;
        this.parked = { name, promise: value };
        throw this.signal;
      };
    }
    return wrapped as H;
  }

  /**
   * Drops a settled result the replay did not reach: with several guest threads, another
   * thread may close the fd meanwhile, and the replayed call then fails its checks first.
   */
  discard(): void {
    this.settled = null;
  }

  /** Whether `error` is the unwinding of a parked call. */
  isSuspension(error: unknown): boolean {
    return error === this.signal && this.parked !== null;
  }

  /** Waits for the parked promise; the next call of the wrapped method returns (or throws) its outcome. */
  async settle(): Promise<void> {
    const parked = this.parked;
    if (parked === null) throw new Error("worker runner: no call is pending");
    this.parked = null;
    try {
      this.settled = { name: parked.name, ok: true, value: await parked.promise };
    } catch (error) {
      this.settled = { name: parked.name, ok: false, error };
    }
  }
}
