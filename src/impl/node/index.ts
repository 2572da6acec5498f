/**
 * The Node host: a Preview1Host over the real file system, composed from one
 * module per area. The descriptor table starts with the three stdio fds the
 * embedder gives (0, 1, 2) and the preopened directories (3, 4, ... in order).
 */
import type { Preview1Host } from "../../generated/preview1/host.js";
import { composeHost } from "../compose-host.js";
import { clockid } from "../../generated/preview1/types.js";
import { descriptionPreopenEntry, type DescriptionPreopen } from "../description-preopen.js";
import type { ClockSource, HostContext } from "../context.js";
import type { FileDescription } from "../description.js";
import { FdEntry, FdTable } from "../fd-table.js";
import { resolveHostLimits, type HostLimits } from "../limits.js";
import { streamRights } from "../rights.js";
import { createNodeClockSource } from "./clock-source.js";
import type { NodeFsEnvironment } from "./environment.js";
import { preopenEntry, stdioEntry } from "./initial-fds.js";
import { DirectoryHandles } from "./directory-handles.js";
import { ListingCache } from "./listing-cache.js";
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
  /**
   * The guest's fds 0, 1 and 2: host fds (they stay the embedder's and are
   * never closed) or descriptions such as src/stdio's in-memory sources and sinks.
   */
  stdin: number | FileDescription;
  stdout: number | FileDescription;
  stderr: number | FileDescription;
  /** Called by proc_exit; it throws (the WASI class's passthrough exit signal). */
  onExit: (code: number) => never;
  limits?: Partial<HostLimits>;
  /**
   * Resolve directory descriptors through /proc/self/fd on Linux (default: when
   * available). False forces the portable host-path mode; meant for tests.
   */
  procFdRoots?: boolean;
  /** Replaces the Node clocks (deterministic mode); `sleep` must then be given too, so the two agree. */
  clock?: ClockSource;
  sleep?: (nanoseconds: bigint) => void;
  /** Replaces the OS random source (deterministic mode). */
  random?: Pick<Preview1Host, "random_get">;
  /** Directories given as descriptions (in-memory ones, embedder mounts), at the fds after `preopens`. */
  extraPreopens?: readonly DescriptionPreopen[];
}

export interface NodeHost extends Preview1Host {
  /** Closes every host fd the guest left open (never the embedder's stdio fds). Idempotent. */
  close(): void;
}

export function createNodeHost(options: NodeHostOptions): NodeHost {
  const limits = resolveHostLimits(options.limits);
  const clock = options.clock ?? createNodeClockSource();
  const wantProcFdRoots = options.procFdRoots ?? true;
  const environment: NodeFsEnvironment = {
    limits,
    realtimeNow: () => clock.now(clockid.realtime),
    // Probed on first use (the first directory the guest opens), not at start-up.
    get procFdRoots() {
      return wantProcFdRoots && procFdRootsAvailable();
    },
    listings: new ListingCache(),
    handles: new DirectoryHandles(),
  };
  const fds = new FdTable(limits.maxOpenFds);
  try {
    [options.stdin, options.stdout, options.stderr].forEach((given, fd) =>
      fds.place(fd, typeof given === "number" ? stdioEntry(given, environment) : new FdEntry(given, streamRights, 0, 0)),
    );
    options.preopens.forEach(([guestPath, hostPath], index) => fds.place(3 + index, preopenEntry(guestPath, hostPath, environment)));
    (options.extraPreopens ?? []).forEach(([guestPath, open], index) =>
      fds.place(3 + options.preopens.length + index, descriptionPreopenEntry(guestPath, open({ clock, limits }))),
    );
  } catch (error) {
    for (const entry of fds.drain()) entry.description.close();
    environment.handles.close();
    throw error;
  }
  const ctx: HostContext = { fds, limits, clock, sleep: options.sleep ?? sleepNanoseconds };
  const host = composeHost(ctx, { args: options.args, env: options.env, random: options.random ?? createRandomMethods(), onExit: options.onExit });
  const closeDescriptors = host.close;
  // The kept directory handles are the host's, not the guest's: they go with it.
  host.close = () => {
    closeDescriptors();
    environment.handles.close();
  };
  return host;
}
