// Opening a guest path confined to a directory: the path_open hot path.
//
// Fast path: resolveParent checks the components before the last (none for a
// one-component path), and the last one is opened with O_NOFOLLOW, so the
// kernel refuses a symlink there atomically and nothing is examined twice.
// Only when that open reports a symlink (ELOOP; EMLINK on FreeBSD; ENOTDIR
// when O_DIRECTORY meets a link on Linux) and the link is to be followed does
// the full resolvePath run, expanding the link under the same confinement,
// before the expanded path is opened, again with O_NOFOLLOW. A followed link
// whose target is missing resolves to the target (inside the root, or the
// resolver refused it), so O_CREAT creates the target as open(2) does and
// anything else gets ENOENT from the open.
// Hosts without O_NOFOLLOW (Windows) always take the full resolution and
// check the opened file against the resolver's lstat instead.
import * as fs from "node:fs";
import type { ErrnoName } from "./errno-name.js";
import { errnoNameOf } from "./errno-map.js";
import { verifySameFile, type ResolveFailure, type ResolveOptions, type ResolveResult, type ResolvedParent } from "./resolver.js";

/**
 * The two resolutions of one directory: from its host path (resolver.ts) or
 * beneath its handle (anchored-resolver.ts).
 */
export interface Confinement {
  parent(guestPath: string, options: Omit<ResolveOptions, "followFinalSymlink">): ResolvedParent | ResolveFailure;
  full(guestPath: string, options: ResolveOptions): ResolveResult;
}

interface OpenedBeneath {
  ok: true;
  fd: number;
  /** The host path that was opened (symlinks expanded). */
  hostPath: string;
}

export type OpenBeneathResult = OpenedBeneath | ResolveFailure;

const noFollowFlag: number | undefined = fs.constants.O_NOFOLLOW;
const directoryFlag: number = fs.constants.O_DIRECTORY ?? 0;
const createFlag: number = fs.constants.O_CREAT;
const exclusiveFlag: number = fs.constants.O_EXCL;

// Errors an O_NOFOLLOW open gives when the last component is a symlink.
const symlinkRefusals = new Set(["ELOOP", "EMLINK", "ENOTDIR"]);

function failure(errno: ErrnoName): ResolveFailure {
  return { ok: false, errno };
}

function codeOf(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
}

/**
 * Opens `guestPath` relative to the directory `confinement` resolves in, with Node open
 * `flags` (fs.constants.O_*, as the caller translated the WASI oflags and
 * fdflags) and creation `mode`. O_NOFOLLOW is always added; a trailing slash
 * adds O_DIRECTORY, and with O_CREAT it is isdir, as POSIX open answers.
 */
export function openBeneath(
  confinement: Confinement,
  guestPath: string,
  flags: number,
  mode: number,
  options: ResolveOptions,
): OpenBeneathResult {
  if (noFollowFlag === undefined) return openFullyResolved(confinement, guestPath, flags, mode, options);

  const parent = confinement.parent(guestPath, options);
  if (!parent.ok) return parent;
  if (parent.trailingSlash && (flags & createFlag) !== 0) return failure("isdir");
  const openFlags = flags | noFollowFlag | (parent.trailingSlash ? directoryFlag : 0);
  try {
    return { ok: true, fd: fs.openSync(parent.hostPath, openFlags, mode), hostPath: parent.hostPath };
  } catch (error) {
    const mayBeLink =
      parent.finalName !== null && (options.followFinalSymlink || parent.trailingSlash) && symlinkRefusals.has(codeOf(error) as string);
    if (!mayBeLink) return failure(errnoNameOf(error));
  }
  return openFullyResolved(confinement, guestPath, flags, mode, options);
}

function openFullyResolved(
  confinement: Confinement,
  guestPath: string,
  flags: number,
  mode: number,
  options: ResolveOptions,
): OpenBeneathResult {
  const resolved = confinement.full(guestPath, options);
  if (!resolved.ok) return resolved;
  const { finalStat, hostPath, trailingSlash } = resolved;
  if (trailingSlash && (flags & createFlag) !== 0) return failure("isdir");
  // Still a link: the caller asked not to follow it (O_NOFOLLOW's answer).
  if (finalStat?.isSymbolicLink()) return failure("loop");
  if (trailingSlash && finalStat !== null && !finalStat.isDirectory()) return failure("notdir");
  // O_CREAT|O_EXCL never follows a final link: a dangling one is EEXIST. Only
  // reachable without O_NOFOLLOW, whose fast path gets EEXIST from the kernel.
  if (resolved.finalFromLink && (flags & (createFlag | exclusiveFlag)) === (createFlag | exclusiveFlag)) {
    return failure("exist");
  }
  const openFlags = flags | (noFollowFlag ?? 0) | (trailingSlash ? directoryFlag : 0);
  let fd: number;
  try {
    fd = fs.openSync(hostPath, openFlags, mode);
  } catch (error) {
    return failure(errnoNameOf(error));
  }
  // Without O_NOFOLLOW the open may have followed a link swapped in after
  // the lstat; a file created just now (finalStat null) has nothing to match.
  if (noFollowFlag === undefined && finalStat !== null && !verifySameFile(finalStat, fd)) {
    fs.closeSync(fd);
    return failure("notcapable");
  }
  return { ok: true, fd, hostPath };
}
