/**
 * The portable host: a Preview1Host that needs nothing but standard
 * JavaScript and web APIs, for the portable entry point (browsers, workers, and
 * Node when no host file system should be reachable). It is composed from the
 * same area modules as the Node host over the same HostContext; what differs
 * is what the descriptors are (in-memory stdio, directories given as
 * descriptions) and where time and randomness come from.
 */
import type { Preview1Host } from "../../generated/preview1/host.js";
import { composeHost } from "../preview1/compose-host.js";
import type { ClockSource, HostContext } from "../context.js";
import { descriptionPreopenEntry, type DescriptionPreopen } from "../description-preopen.js";
import type { FileDescription } from "../description.js";
import { FdEntry, FdTable } from "../fd-table.js";
import { resolveHostLimits, type HostLimits } from "../limits.js";
import { streamRights } from "../rights.js";
import { createPortableClockSource } from "./clock-source.js";
import { createPortableRandomMethods } from "./random.js";
import { portableSleep } from "./sleep.js";

export interface PortableHostOptions {
  args: readonly string[];
  /** "KEY=VALUE" strings, in order. */
  env: readonly string[];
  /** fds 0, 1 and 2 (see src/impl/stdio: input sources and output sinks). */
  stdio: readonly [FileDescription, FileDescription, FileDescription];
  /** Directories (in-memory ones, embedder mounts) the guest sees at fd 3, 4, ... under these names. */
  preopens?: readonly DescriptionPreopen[];
  onExit: (code: number) => never;
  /** Default: the web clocks (performance.now, performance.timeOrigin). */
  clock?: ClockSource;
  /** Default: Atomics.wait, or a timed loop where that is forbidden. */
  sleep?: (nanoseconds: bigint) => void;
  /** Default: crypto.getRandomValues. */
  random?: Pick<Preview1Host, "random_get">;
  limits?: Partial<HostLimits>;
}

export interface PortableHost extends Preview1Host {
  /** Closes every descriptor the guest still holds. Idempotent. */
  close(): void;
}

export function createPortableHost(options: PortableHostOptions): PortableHost {
  const limits = resolveHostLimits(options.limits);
  const fds = new FdTable(limits.maxOpenFds);
  options.stdio.forEach((description, fd) => fds.place(fd, new FdEntry(description, streamRights, 0, 0)));
  const clock = options.clock ?? createPortableClockSource();
  try {
    (options.preopens ?? []).forEach(([guestPath, open], index) => fds.place(3 + index, descriptionPreopenEntry(guestPath, open({ clock, limits }))));
  } catch (error) {
    for (const entry of fds.drain()) entry.description.close();
    throw error;
  }
  const ctx: HostContext = { fds, limits, clock, sleep: options.sleep ?? portableSleep };
  return composeHost(ctx, { args: options.args, env: options.env, random: options.random ?? createPortableRandomMethods(), onExit: options.onExit });
}
