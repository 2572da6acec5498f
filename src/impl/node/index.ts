/**
 * The Node host: a Preview1Host over the real file system, started by the
 * shared bootstrap (host-bootstrap.ts). The descriptor table starts with the
 * three stdio fds the embedder gives (0, 1, 2), the preopened host
 * directories (3, 4, ... in order) and then the description preopens.
 */
import { clockid } from "../../generated/preview1/types.js";
import type { FileDescription } from "../description.js";
import { bootstrapHost, stdioDescriptionEntry, type HostOptions } from "../host-bootstrap.js";
import type { ClosableHost } from "../preview1/compose-host.js";
import { createNodeClockSource, isNodeClockSource } from "./clock-source.js";
import type { NodeFsEnvironment } from "./environment.js";
import { preopenEntry, stdioEntry } from "./initial-fds.js";
import { FdEntry } from "../fd-table.js";
import type { HostLimits } from "../limits.js";
import { LendingFdTable } from "./lending-fd-table.js";
import { listenerRights, socketRights } from "../rights.js";
import { DirectoryHandles } from "./directory-handles.js";
import { ListingCache } from "./listing-cache.js";
import { nativeBeneath, type KeptDirectories, type NativeBeneath } from "./native-beneath.js";
import { createNativeState, markNodeMethod } from "./native-fast-calls.js";
import { NativeReadLender } from "./native-read-lender.js";
import { procFdRootsAvailable } from "./proc-fd-roots.js";
import { createRandomMethods } from "./random.js";
import { sleepNanoseconds } from "./sleep.js";

/**
 * fds 0, 1 and 2 are host fds (they stay the embedder's and are never closed)
 * or descriptions such as src/impl/stdio's in-memory sources and sinks.
 */
export interface NodeHostOptions extends HostOptions<number | FileDescription> {
  /** Host directories the guest sees at fd 3, 4, ... in this order, before `descriptionPreopens`. */
  preopens: readonly (readonly [guestPath: string, hostPath: string])[];
  /**
   * Sockets the guest sees right after stdio (fd 3, 4, ...), before the preopens, as
   * wasmtime numbers its --tcplisten listeners; a listening one has the sock_accept right.
   */
  sockets?: readonly { readonly description: FileDescription; readonly listening: boolean }[];
  /**
   * Resolve directory descriptors through /proc/self/fd on Linux (default: when
   * available). False forces the portable host-path mode; meant for tests.
   */
  procFdRoots?: boolean;
  /**
   * Resolve through the openat2 addon when it is built and works here
   * (see native-beneath.ts). Default: true unless the environment variable
   * WITX_WASI_NATIVE is "0". False keeps the JavaScript resolvers, and
   * reads, writes and closes of host fds through node:fs.
   */
  nativeResolution?: boolean;
}

/** MAXSYMLINKS: openat2 follows at most this many links, so only this limit can be left to it. */
const kernelSymlinkHops = 40;

/**
 * The environment a host's descriptions share. A class, not an object literal
 * with getters: such a literal is a dictionary-mode object, and every
 * `environment.x` on the per-call paths (limits, handles, nativeIo) was then a
 * generic property lookup instead of a field load.
 */
class NodeEnvironment implements NodeFsEnvironment {
  readonly listings = new ListingCache();
  readonly #wantProcFdRoots: boolean;
  readonly #wantNative: boolean;
  #nativeIo: NativeBeneath | null | undefined;
  #kept: KeptDirectories | null | undefined;

  constructor(
    readonly limits: HostLimits,
    readonly realtimeNow: () => bigint,
    readonly handles: DirectoryHandles,
    wantProcFdRoots: boolean,
    wantNative: boolean,
  ) {
    this.#wantProcFdRoots = wantProcFdRoots;
    this.#wantNative = wantNative;
  }

  /** Probed on first use (the first directory the guest opens), not at start-up. */
  get procFdRoots(): boolean {
    return this.#wantProcFdRoots && procFdRootsAvailable();
  }

  get native(): NativeBeneath | null {
    return this.#wantNative && this.procFdRoots && this.limits.maxSymlinkHops === kernelSymlinkHops ? nativeBeneath() : null;
  }

  get nativeIo(): NativeBeneath | null {
    if (this.#nativeIo === undefined) this.#nativeIo = this.#wantNative ? nativeBeneath() : null;
    return this.#nativeIo;
  }

  get kept(): KeptDirectories | null {
    if (this.#kept === undefined) this.#kept = this.native?.keptCreate() ?? null;
    return this.#kept;
  }

  /** Closes the kept directories, if any were made. */
  closeKept(): void {
    if (this.#kept) nativeBeneath()?.keptClose(this.#kept);
  }
}

/** close() closes every host fd the guest left open (never the embedder's stdio fds). */
export function createNodeHost(options: NodeHostOptions): ClosableHost {
  const wantProcFdRoots = options.procFdRoots ?? true;
  const wantNative = options.nativeResolution ?? process.env.WITX_WASI_NATIVE !== "0";
  // Directory handles the resolver keeps are the host's, not the guest's: they count against no guest limit.
  const handles = new DirectoryHandles();
  let environment: NodeEnvironment | null = null;
  let table: LendingFdTable | undefined;
  let maxIovecs = 0;
  const host = bootstrapHost(options, {
    defaultClock: createNodeClockSource,
    defaultSleep: sleepNanoseconds,
    defaultRandom: createRandomMethods,
    *initialEntries({ clock, limits }) {
      const shared = new NodeEnvironment(limits, () => clock.now(clockid.realtime), handles, wantProcFdRoots, wantNative);
      environment = shared;
      for (const given of [options.stdin, options.stdout, options.stderr]) {
        yield typeof given === "number" ? stdioEntry(given, shared) : stdioDescriptionEntry(given);
      }
      for (const { description, listening } of options.sockets ?? [])
        yield new FdEntry(description, listening ? listenerRights : socketRights, 0, 0);
      for (const [guestPath, hostPath] of options.preopens) yield preopenEntry(guestPath, hostPath, shared);
    },
    release: () => {
      handles.close();
      environment?.closeKept();
    },
    createTable: (limits) => {
      maxIovecs = limits.maxIovecs;
      table = new LendingFdTable(limits.maxOpenFds);
      return table;
    },
  });
  // What the native imports may serve of this host (src/impl/node/native-fast-calls.ts), all over one state.
  const nativeState = createNativeState(maxIovecs);
  if (options.clock === undefined || isNodeClockSource(options.clock)) {
    markNodeMethod(host.clock_time_get, { name: "clock_time_get", state: nativeState });
  }
  if (options.random === undefined) markNodeMethod(host.random_get, { name: "random_get", state: nativeState });
  if (table !== undefined) {
    const lending = table;
    // Once fd_read is native, the table lends it each file read here (its noteRead), and the files opened since.
    markNodeMethod(host.fd_read, {
      name: "fd_read",
      state: nativeState,
      onNative: () => lending.lendReadsTo(new NativeReadLender(nativeState)),
    });
  }
  return host;
}
