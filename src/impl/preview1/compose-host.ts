/**
 * The one place the preview1 calls (one module per witx prefix) become a whole
 * host. The shared bootstrap (../host-bootstrap.ts) calls it for every host kind,
 * so a new witx function needs one new method in its prefix's module, not one per host.
 */
import type { Preview1Host } from "../../generated/preview1/host.js";
import { createArgsEnvironMethods } from "./args-environ.js";
import { createClockMethods } from "./clock.js";
import type { HostContext } from "../context.js";
import { mergeMethods } from "../merge-methods.js";
import { createFdMethods } from "./fd.js";
import { createFdIoMethods } from "./fd-io.js";
import type { PathAndSocketCalls } from "./path-and-socket.js";
import { createPollMethods } from "./poll.js";
import { createProcSchedMethods } from "./proc-sched.js";

export interface HostParts {
  readonly args: readonly string[];
  /** "KEY=VALUE" strings, in order. */
  readonly env: readonly string[];
  readonly random: Pick<Preview1Host, "random_get">;
  readonly onExit: (code: number) => never;
  /** path_* and sock_*: the full groups, or the streams-only answers for a host that can hold no directory or socket. */
  readonly pathAndSocket: PathAndSocketCalls;
}

/**
 * The one host type: the preview1 calls plus `close()`, which closes every
 * descriptor the guest still holds (never the embedder's own stdio fds). Idempotent.
 */
export interface ClosableHost extends Preview1Host {
  close(): void;
}

export function composeHost(ctx: HostContext, parts: HostParts): ClosableHost {
  // Typed as the groups' intersection: the compiler checks that they cover Preview1Host.
  return mergeMethods(
    createArgsEnvironMethods(parts.args, parts.env),
    createClockMethods(ctx),
    parts.random,
    createFdMethods(ctx),
    createFdIoMethods(ctx),
    createPollMethods(ctx),
    createProcSchedMethods(parts.onExit),
    parts.pathAndSocket(ctx),
    {
      close() {
        for (const entry of ctx.fds.drain()) entry.description.close();
      },
    },
  );
}
