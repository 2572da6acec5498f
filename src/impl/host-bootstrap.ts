/**
 * The one way a host starts: limits and clock resolved, the descriptor table
 * filled (stdio at 0, 1, 2, then the host kind's own preopens, then the
 * directories given as descriptions), everything already opened closed again
 * if a later descriptor fails, and the preview1 calls composed over the
 * resulting context. A host kind (Node, portable) only says what its
 * descriptors are and where its clock, sleep and randomness come from.
 */
import type { Preview1Host } from "../generated/preview1/host.js";
import type { ClockSource, HostContext } from "./context.js";
import { descriptionPreopenEntry, type DescriptionPreopen } from "./description-preopen.js";
import type { FileDescription } from "./description.js";
import { FdEntry, FdTable } from "./fd-table.js";
import { resolveHostLimits, type HostLimits } from "./limits.js";
import { composeHost, type ClosableHost, type HostClass } from "./preview1/compose-host.js";
import { FullHost } from "./preview1/path-and-socket.js";
import { streamRights } from "./rights.js";

/** The options every host kind takes; `Stdio` is what it accepts for fds 0, 1 and 2. */
export interface HostOptions<Stdio> {
  args: readonly string[];
  /** "KEY=VALUE" strings, in order. */
  env: readonly string[];
  stdin: Stdio;
  stdout: Stdio;
  stderr: Stdio;
  /** Directories given as descriptions (in-memory ones, embedder mounts), at the fds after the host kind's own preopens. */
  descriptionPreopens?: readonly DescriptionPreopen[];
  /** Called by proc_exit; it throws (the WASI class's passthrough exit signal). */
  onExit: (code: number) => never;
  limits?: Partial<HostLimits>;
  /** Replaces the host kind's clocks (deterministic mode); `sleep` must then be given too, so the two agree. */
  clock?: ClockSource;
  sleep?: (nanoseconds: bigint) => void;
  /** Replaces the host kind's random source (deterministic mode). */
  random?: Pick<Preview1Host, "random_get">;
}

/** What differs between host kinds: their defaults and their first descriptors. */
export interface HostKind {
  defaultClock(): ClockSource;
  defaultSleep(nanoseconds: bigint): void;
  defaultRandom(): Pick<Preview1Host, "random_get">;
  /**
   * The entries of fds 0, 1, 2 and then of the kind's own preopens, in fd
   * order. Made one at a time as the table is filled, so that when one fails
   * the ones before it are closed.
   */
  initialEntries(context: Pick<HostContext, "clock" | "limits">): Iterable<FdEntry>;
  /** Frees what the kind holds beside the guest's descriptors; called when the host closes or fails to start. */
  release?(): void;
  /** The descriptor table (of `limits.maxOpenFds`), when the kind has its own kind of table. */
  createTable?(limits: HostLimits): FdTable;
}

/** A stdio descriptor over a description (a JS source or sink, an embedder's own). */
export function stdioDescriptionEntry(description: FileDescription): FdEntry {
  return new FdEntry(description, streamRights, 0, 0);
}

export function bootstrapHost(options: HostOptions<unknown>, kind: HostKind): ClosableHost {
  return bootstrapHostWith(options, kind, FullHost);
}

/**
 * bootstrapHost with the host class (its path_* and sock_* calls) chosen by the
 * caller: a host that can hold no directory or socket passes StreamsOnlyHost,
 * and its bundle then leaves the full groups out.
 */
export function bootstrapHostWith(options: HostOptions<unknown>, kind: HostKind, Host: HostClass): ClosableHost {
  const limits = resolveHostLimits(options.limits);
  const clock = options.clock ?? kind.defaultClock();
  const fds = kind.createTable?.(limits) ?? new FdTable(limits.maxOpenFds);
  try {
    let fd = 0;
    for (const entry of kind.initialEntries({ clock, limits })) fds.place(fd++, entry);
    for (const [guestPath, open] of options.descriptionPreopens ?? []) {
      fds.place(fd++, descriptionPreopenEntry(guestPath, open({ clock, limits })));
    }
  } catch (error) {
    for (const entry of fds.drain()) entry.description.close();
    kind.release?.();
    throw error;
  }
  const ctx: HostContext = { fds, limits, clock, sleep: options.sleep ?? kind.defaultSleep };
  return composeHost(
    ctx,
    {
      args: options.args,
      env: options.env,
      random: options.random ?? kind.defaultRandom(),
      onExit: options.onExit,
      release: kind.release,
    },
    Host,
  );
}
