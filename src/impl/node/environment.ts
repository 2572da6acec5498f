/** What Node descriptions need from the host they belong to. */
import type { HostLimits } from "../limits.js";
import type { DirectoryHandles } from "./directory-handles.js";
import type { ListingCache } from "./listing-cache.js";
import type { KeptDirectories, NativeBeneath } from "./native-beneath.js";

export interface NodeFsEnvironment {
  readonly limits: HostLimits;
  /** The realtime clock in ns, for "set this time to now". */
  realtimeNow(): bigint;
  /**
   * Whether directory descriptors are resolved through `/proc/self/fd/N`
   * (Linux) rather than through their host path; see host-directory.ts.
   */
  readonly procFdRoots: boolean;
  /** Snapshots of unchanged directories, shared by the host's descriptors. */
  readonly listings: ListingCache;
  /**
   * The openat2 addon (native-beneath.ts) when it is used: with /proc/self/fd
   * roots, and the kernel's own symlink limit; null resolves in JavaScript.
   */
  readonly native: NativeBeneath | null;
  /**
   * The addon for reads, writes and closes of host fds (io.ts) when the host
   * may use it (on any kernel it loads on, with or without /proc/self/fd
   * roots); null uses node:fs. Looked up once.
   */
  readonly nativeIo: NativeBeneath | null;
  /** The addon's kept directories for this host (made on first use), or null without the addon. */
  readonly kept: KeptDirectories | null;
  /** Directory handles kept for resolution with /proc/self/fd roots, shared by the host's descriptors. */
  readonly handles: DirectoryHandles;
}
