/**
 * The one place the preview1 calls (one module per witx prefix) become a whole
 * host. The shared bootstrap (../host-bootstrap.ts) calls it for every host kind,
 * so a new witx function needs one new method in its prefix's module, not one per host.
 *
 * Each prefix's module is an object of methods that read the host's state through
 * `this` (`HostState`), assigned once to the prototype of a host class (host-class.ts):
 * every host of a kind shares the same method objects and the same map. Closures made per host
 * would give each WASI object its own functions, and V8 would compile the calls of
 * the second one again (the glue's call of a host method deoptimizes when it meets
 * another function; src/runtime/glue-support.ts). What a host hands out is
 * `sealedHost`'s frozen object of bound methods, safe to take apart.
 */
import { setHostCore } from "../../runtime/glue-support.js";
import type { Preview1Host } from "../../generated/preview1/host.js";
import type { HostContext } from "../context.js";

export interface HostParts {
  readonly args: readonly string[];
  /** "KEY=VALUE" strings, in order. */
  readonly env: readonly string[];
  readonly random: Pick<Preview1Host, "random_get">;
  readonly onExit: (code: number) => never;
  /** Frees what the host kind holds beside the guest's descriptors, after close() closed those. */
  readonly release?: () => void;
}

/**
 * The one host type: the preview1 calls plus `close()`, which closes every
 * descriptor the guest still holds (never the embedder's own stdio fds). Idempotent.
 */
export interface ClosableHost extends Preview1Host {
  close(): void;
}

/** A host class (host-class.ts): the shared calls and one set of path_* and sock_* calls. */
export type HostClass = new (ctx: HostContext, parts: HostParts) => ClosableHost;

/**
 * The host as its users get it: a frozen object of the core's methods, bound, so
 * one can be taken off and called alone, wrapped or spread into a new host. The
 * glue finds the core behind it (`hostCoreOf`) and calls that, one class for all.
 */
function sealedHost(core: ClosableHost): ClosableHost {
  const methods: Record<string, unknown> = {};
  // Every call and close(): what the prototypes carry (host-class.ts assigns them enumerable), not the state's fields.
  for (const name in Object.getPrototypeOf(core)) {
    // Not what an enumerable property someone added to Object.prototype brings in.
    if (!(name in Object.prototype)) methods[name] = (core[name as keyof ClosableHost] as () => unknown).bind(core);
  }
  setHostCore(methods, core);
  return Object.freeze(methods) as unknown as ClosableHost;
}

export function composeHost(ctx: HostContext, parts: HostParts, Host: HostClass): ClosableHost {
  return sealedHost(new Host(ctx, parts));
}
