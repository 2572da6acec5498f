/**
 * The Node host: a Preview1Host over the real file system, composed from one
 * module per area. The descriptor table starts with the three stdio fds the
 * embedder gives (0, 1, 2) and the preopened directories (3, 4, ... in order).
 */
import type { Preview1Host } from "../../generated/preview1/host.js";
import { clockid } from "../../generated/preview1/types.js";
import { createArgsEnvironMethods } from "../args-environ.js";
import { createClockMethods } from "../clocks.js";
import type { HostContext } from "../context.js";
import { createFdMethods } from "../fd-methods.js";
import { FdTable } from "../fd-table.js";
import { createFileIoMethods } from "../file-io-methods.js";
import { resolveHostLimits, type HostLimits } from "../limits.js";
import { createPathMethods } from "../path-methods.js";
import { createPollMethods } from "../poll-methods.js";
import { createProcMethods } from "../proc-methods.js";
import { createSocketMethods } from "../socket-methods.js";
import { createNodeClockSource } from "./clock-source.js";
import type { NodeFsEnvironment } from "./environment.js";
import { preopenEntry, stdioEntry } from "./initial-fds.js";
import { procFdRootsAvailable } from "./proc-fd-roots.js";
import { createRandomMethods } from "./random.js";
import { sleepNanoseconds } from "./sleep.js";

export type { HostLimits } from "../limits.js";
export { defaultHostLimits } from "../limits.js";

export interface NodeHostOptions {
  args: readonly string[];
  /** "KEY=VALUE" strings, in order. */
  env: readonly string[];
  /** Directories the guest sees at fd 3, 4, ... in this order. */
  preopens: readonly (readonly [guestPath: string, hostPath: string])[];
  /** Host fds behind the guest's fds 0, 1 and 2; they stay the embedder's and are never closed. */
  stdin: number;
  stdout: number;
  stderr: number;
  /** Called by proc_exit; it throws (the WASI class's passthrough exit signal). */
  onExit: (code: number) => never;
  limits?: Partial<HostLimits>;
  /**
   * Resolve directory descriptors through /proc/self/fd on Linux (default: when
   * available). False forces the portable host-path mode; meant for tests.
   */
  procFdRoots?: boolean;
}

export interface NodeHost extends Preview1Host {
  /** Closes every host fd the guest left open (never the embedder's stdio fds). Idempotent. */
  close(): void;
}

export function createNodeHost(options: NodeHostOptions): NodeHost {
  const limits = resolveHostLimits(options.limits);
  const clock = createNodeClockSource();
  const environment: NodeFsEnvironment = {
    limits,
    realtimeNow: () => clock.now(clockid.realtime),
    procFdRoots: (options.procFdRoots ?? true) && procFdRootsAvailable(),
  };
  const fds = new FdTable(limits.maxOpenFds);
  try {
    [options.stdin, options.stdout, options.stderr].forEach((hostFd, fd) => fds.place(fd, stdioEntry(hostFd, environment)));
    options.preopens.forEach(([guestPath, hostPath], index) => fds.place(3 + index, preopenEntry(guestPath, hostPath, environment)));
  } catch (error) {
    for (const entry of fds.drain()) entry.description.close();
    throw error;
  }
  const ctx: HostContext = { fds, limits, clock, sleep: sleepNanoseconds };
  const host: Preview1Host = {
    ...createArgsEnvironMethods(options.args, options.env),
    ...createClockMethods(ctx),
    ...createRandomMethods(),
    ...createFdMethods(ctx),
    ...createFileIoMethods(ctx),
    ...createPathMethods(ctx),
    ...createPollMethods(ctx),
    ...createProcMethods(options.onExit),
    ...createSocketMethods(ctx),
  };
  return {
    ...host,
    close() {
      for (const entry of fds.drain()) entry.description.close();
    },
  };
}
