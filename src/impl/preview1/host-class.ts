/**
 * The host classes: each prefix's module of preview1 calls (an object of methods that
 * read the host's state through `this`) assigned once to one prototype, so every host
 * of a kind shares the same method objects and the same map. See compose-host.ts for
 * why, and for the object a host hands out.
 */
import type { Preview1Host } from "../../generated/preview1/host.js";
import { argsEnvironMethods, StringList } from "./args-environ.js";
import { clockMethods } from "./clock.js";
import type { ClockSource, HostContext } from "../context.js";
import type { FdTable } from "../fd-table.js";
import type { HostLimits } from "../limits.js";
import { fdMethods } from "./fd.js";
import { fdIoMethods } from "./fd-io.js";
import type { ClosableHost, HostClass, HostParts } from "./compose-host.js";
import { pollMethods } from "./poll.js";
import type { PathAndSocketCalls } from "./path-and-socket.js";
import { procSchedMethods } from "./proc-sched.js";

/** What the preview1 calls read through `this`: the context and the parts the host was made of. */
export interface HostState extends HostContext {
  readonly args: StringList;
  readonly env: StringList;
  readonly random: Pick<Preview1Host, "random_get">;
  readonly onExit: (code: number) => never;
}

/** Some of the preview1 calls, written against the host's state (`this`). */
export type HostMethods<Name extends keyof Preview1Host> = Pick<Preview1Host, Name> & ThisType<HostState>;

/**
 * The state of one host; its class's prototype carries the calls. Its fields are
 * `declare`d: the constructor copies them in.
 */
class ComposedHost {
  declare readonly fds: FdTable;
  declare readonly limits: HostLimits;
  declare readonly clock: ClockSource;
  declare readonly sleep: HostContext["sleep"];
  declare readonly args: StringList;
  declare readonly env: StringList;
  declare readonly random: Pick<Preview1Host, "random_get">;
  declare readonly onExit: (code: number) => never;
  declare readonly release: (() => void) | undefined;

  constructor(ctx: HostContext, parts: HostParts) {
    // Every field, in one order for every host (so one map): the context's, then the parts', the lists encoded.
    Object.assign(this, ctx, parts, { args: new StringList(parts.args), env: new StringList(parts.env) });
  }
}

/** close(), and random_get over the host's random source (the Node host's, Web Crypto, a seeded one). */
const ownCalls: Pick<ClosableHost, "close" | "random_get"> & ThisType<ComposedHost> = {
  close() {
    for (const entry of this.fds.drain()) entry.description.close();
    this.release?.();
  },
  random_get(buffer) {
    return this.random.random_get(buffer);
  },
};

const sharedCalls = [argsEnvironMethods, clockMethods, fdMethods, fdIoMethods, pollMethods, procSchedMethods, ownCalls] as const;
Object.assign(ComposedHost.prototype, ...sharedCalls);

/** The intersection of the members of the union `U`: what a set of method groups adds up to. */
type Intersection<U> = (U extends unknown ? (member: U) => void : never) extends (member: infer I) => void ? I : never;

/** A class whose instances are `Host`, which must be a whole host: a witx function no group serves fails to compile. */
type HostClassOf<Host extends ClosableHost> = new (ctx: HostContext, parts: HostParts) => Host;

/** A host class: the shared calls and one set of path_* and sock_* calls (the full ones, the streams-only ones). */
export function hostClass(pathAndSocket: PathAndSocketCalls): HostClass {
  const made = class extends ComposedHost {};
  Object.assign(made.prototype, pathAndSocket);
  // The groups' intersection, checked against ClosableHost.
  return made as unknown as HostClassOf<Intersection<(typeof sharedCalls)[number]> & PathAndSocketCalls>;
}
