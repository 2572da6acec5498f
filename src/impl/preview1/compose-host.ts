/**
 * The one place the area modules become a whole host. Every host (Node, portable)
 * builds its fd table and context its own way and then calls this, so a new witx
 * function needs one new area method, not one per host.
 */
import type { Preview1Host } from "../../generated/preview1/host.js";
import { createArgsEnvironMethods } from "./args-environ.js";
import { createClockMethods } from "./clock.js";
import type { HostContext } from "../context.js";
import { createFdMethods } from "./fd.js";
import { createFdIoMethods } from "./fd-io.js";
import { createPathMethods } from "./path.js";
import { createPollMethods } from "./poll.js";
import { createProcSchedMethods } from "./proc-sched.js";
import { createSockMethods } from "./sock.js";

export interface HostParts {
  readonly args: readonly string[];
  /** "KEY=VALUE" strings, in order. */
  readonly env: readonly string[];
  readonly random: Pick<Preview1Host, "random_get">;
  readonly onExit: (code: number) => never;
}

/** A host with `close()`, which closes every descriptor the guest still holds. */
export interface ClosableHost extends Preview1Host {
  close(): void;
}

export function composeHost(ctx: HostContext, parts: HostParts): ClosableHost {
  // One object literal: the compiler checks that the areas cover Preview1Host.
  return {
    ...createArgsEnvironMethods(parts.args, parts.env),
    ...createClockMethods(ctx),
    ...parts.random,
    ...createFdMethods(ctx),
    ...createFdIoMethods(ctx),
    ...createPathMethods(ctx),
    ...createPollMethods(ctx),
    ...createProcSchedMethods(parts.onExit),
    ...createSockMethods(ctx),
    close() {
      for (const entry of ctx.fds.drain()) entry.description.close();
    },
  };
}
