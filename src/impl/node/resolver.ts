// Confined path resolution for the Node host: the sandbox boundary.
//
// Model. Node has no openat(), so a directory descriptor is represented by
// the absolute host path of its directory. A guest path is always relative
// to one such directory, and that directory is the root of the resolution:
// the walk may never leave it, not even through `..` or a symlink, and not
// even when the directory itself lies deep inside a preopen. Capabilities are
// per descriptor (as in cap-std): holding `/sandbox/a/b` grants nothing in
// `/sandbox/a`.
//
// The walk is done here, one component at a time, rather than by the OS:
//   - the guest path is split on "/"; empty and "." components are skipped;
//   - ".." drops the last checked component (the walk is physical: after a
//     symlink to "x/y", ".." lands in "x"); with nothing left to drop it is an
//     escape;
//   - every component before the last is lstat'ed: a directory is entered, a
//     symlink is read and its target's components are spliced in (counted
//     against the hop limit), anything else is `notdir`, a missing one `noent`;
//   - the last component is lstat'ed too; a symlink there is expanded only when
//     the caller asked to follow it or the path ends in "/" (POSIX forces a
//     trailing slash to follow); otherwise the result names the link itself
//     (O_NOFOLLOW semantics);
//   - a followed final symlink whose target does not exist resolves to where
//     the target would be, with no final stat, exactly like a missing last
//     component: open with O_CREAT then creates the target, as POSIX open(2)
//     does, and every other call answers `noent`. The target went through the
//     same walk, so it is always inside the root (an escaping or absolute
//     target was refused above). `finalFromLink` tells creating calls other
//     than open (mkdir, symlink, link, rename) to refuse it instead.
// The resulting host path is built only from components checked this way,
// appended to the root, so no string from the guest reaches the host
// unexamined.
//
// Escape errno. Every attempt to reach outside the root answers `notcapable`:
// an absolute guest path, a ".." with nothing left to drop, an absolute
// symlink target, a symlink whose ".." climbs above the root, and a root that
// is no longer the directory the descriptor was opened on. One errno for all
// of them keeps the policy easy to audit and tells the guest plainly that the
// sandbox, not the file system, refused.
//
// Other errnos: empty path → noent; NUL byte → inval; path longer than
// maxPathBytes or a component longer than maxComponentBytes (UTF-8 bytes) →
// nametoolong; more than maxSymlinkHops expansions → loop; failed system
// calls → their errno via errnoNameOf.
//
// Two entry points: resolvePath checks every component and returns the final
// lstat; resolveParent stops before the last component and leaves it to a
// system call that does not follow it (open with O_NOFOLLOW, unlink, mkdir,
// ...). The second is the fast path: no check-then-use gap on the final name,
// and no system call at all for a one-component path (open-beneath.ts).
//
// What callers must do, because strings can change between check and use:
//   - dirHostPath must be absolute and canonical (realpath it when the
//     preopen is made; on macOS /tmp itself is a symlink);
//   - use the result only with calls that do not follow a final symlink
//     (O_NOFOLLOW, lstat, unlink, ...): every link that should be followed
//     has already been expanded, so a link found there now was put there since;
//   - when a resolvePath result is opened where O_NOFOLLOW is missing
//     (Windows), compare the descriptor with finalStat (verifySameFile);
//   - for directory descriptors below a preopen, pass expectedRoot (the
//     dev/ino recorded at open): the guest can rename such a directory and put
//     a symlink in its place, which would otherwise redirect the stored path.
// A component above the final one can still be swapped for a symlink during
// the walk; closing that window needs an fd-relative primitive
// (openat2 RESOLVE_BENEATH, or checking /proc/self/fd/N after open on Linux).
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultHostLimits } from "../limits.js";
import type { ErrnoName } from "./errno-name.js";
import { errnoNameOf } from "./errno-map.js";

export interface ResolveOptions {
  /** Expand a symlink in the last component (false: the result is the link). */
  followFinalSymlink: boolean;
  /** Symlink expansions allowed in one resolution; Linux's MAXSYMLINKS. */
  maxSymlinkHops?: number;
  /** Longest accepted guest path in UTF-8 bytes (see defaultMaxPathBytes). */
  maxPathBytes?: number;
  /** Longest accepted single component in UTF-8 bytes; NAME_MAX. */
  maxComponentBytes?: number;
  /** Identity the root must still have; omit for preopens the guest cannot rename. */
  expectedRoot?: FileIdentity;
}

export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
}

export interface Resolved {
  ok: true;
  /** Host path: the root followed by `components`. */
  hostPath: string;
  /** Checked components below the root, symlinks already expanded. */
  components: string[];
  /** The target must be a directory (the path, or the final link's target, ended in "/"). */
  trailingSlash: boolean;
  /**
   * lstat of hostPath, or null when the last component does not exist (also
   * when it is the missing target of a followed final symlink).
   */
  finalStat: fs.BigIntStats | null;
  /**
   * The last component came out of a followed final symlink. With finalStat
   * null this is a dangling link: only open with O_CREAT should create its
   * target; other creating calls refuse it, as they did before it existed.
   */
  finalFromLink: boolean;
}

/** resolveParent's answer: everything but the last component is checked. */
export interface ResolvedParent {
  ok: true;
  /** Host path: the root followed by `components`. */
  hostPath: string;
  /** Components below the root; all but `finalName` are checked directories. */
  components: string[];
  /** The target must be a directory (the path ended in "/"). */
  trailingSlash: boolean;
  /**
   * The last component, not yet looked at: it may be missing, a symlink or
   * anything else. null when the path ended in "." or ".." (or named the root),
   * so that hostPath is a directory the walk already checked.
   */
  finalName: string | null;
}

export interface ResolveFailure {
  ok: false;
  errno: ErrnoName;
}

export type ResolveResult = Resolved | ResolveFailure;

// The host's own defaults (limits.ts), so a resolver used without options
// draws the same line as the host: see HostLimits.maxPathBytes for why 4096.
export const defaultMaxSymlinkHops = defaultHostLimits.maxSymlinkHops;
export const defaultMaxPathBytes = defaultHostLimits.maxPathBytes;
export const defaultMaxComponentBytes = 255;

const slash = 0x2f;
const hostSeparator = path.sep;
const isWindowsHost = process.platform === "win32";

// Failures are preallocated: the error paths of path_open are hot too
// (probing for files that do not exist is common).
const failures = new Map<ErrnoName, ResolveFailure>();
export function fail(errno: ErrnoName): ResolveFailure {
  let failure = failures.get(errno);
  if (failure === undefined) {
    failure = Object.freeze({ ok: false, errno }) as ResolveFailure;
    failures.set(errno, failure);
  }
  return failure;
}

// A UTF-16 code unit takes at most 3 UTF-8 bytes, so short strings need no
// encoding pass.
export function exceedsUtf8Bytes(text: string, limit: number): boolean {
  return text.length * 3 > limit && Buffer.byteLength(text, "utf8") > limit;
}

// On Windows a "\" or ":" inside one component would be read by the host as
// a separator or a drive/stream designator: a way around the component walk.
function isUnsafeOnHost(name: string): boolean {
  return isWindowsHost && (name.includes("\\") || name.includes(":"));
}

export function isAbsoluteLinkTarget(target: string): boolean {
  return target.charCodeAt(0) === slash || path.isAbsolute(target);
}

// Reads a symlink as guest-style text: "/"-separated (Windows stores "\\").
function readLinkTarget(hostPath: string): string {
  const target = fs.readlinkSync(hostPath, "utf8");
  return isWindowsHost ? target.replaceAll("\\", "/") : target;
}

// Pushes the components of `text` onto `pending` so that the first component
// is popped first. Returns whether `text` ended in "/".
export function pushComponents(pending: string[], text: string): boolean {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === slash) end--;
  const trailingSlash = end < text.length;
  const parts = (end === text.length ? text : text.slice(0, end)).split("/");
  for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]);
  return trailingSlash;
}

/** Resolves every component, the last one included (see the top of the file). */
export function resolvePath(dirHostPath: string, guestPath: string, options: ResolveOptions): ResolveResult {
  return resolve(dirHostPath, guestPath, options, false);
}

/**
 * Resolves all components but the last, which is returned unexamined, for a
 * caller that applies a no-follow system call to it (open with O_NOFOLLOW,
 * unlink, rmdir, mkdir, lstat, readlink), where the kernel looks at the final
 * name atomically. A one-component path costs no system call at all.
 * `followFinalSymlink` is irrelevant here; the other options apply.
 */
export function resolveParent(
  dirHostPath: string,
  guestPath: string,
  options: Omit<ResolveOptions, "followFinalSymlink">,
): ResolvedParent | ResolveFailure {
  return resolve(dirHostPath, guestPath, { ...options, followFinalSymlink: false }, true);
}

function resolve(dirHostPath: string, guestPath: string, options: ResolveOptions, stopBeforeFinal: false): ResolveResult;
function resolve(dirHostPath: string, guestPath: string, options: ResolveOptions, stopBeforeFinal: true): ResolvedParent | ResolveFailure;
function resolve(
  dirHostPath: string,
  guestPath: string,
  options: ResolveOptions,
  stopBeforeFinal: boolean,
): ResolveResult | ResolvedParent {
  if (guestPath.length === 0) return fail("noent");
  if (guestPath.includes("\0")) return fail("inval");
  if (guestPath.charCodeAt(0) === slash) return fail("notcapable");
  if (exceedsUtf8Bytes(guestPath, options.maxPathBytes ?? defaultMaxPathBytes)) {
    return fail("nametoolong");
  }
  try {
    if (options.expectedRoot !== undefined && !rootIsIntact(dirHostPath, options.expectedRoot)) {
      return fail("notcapable");
    }
    return walk(dirHostPath, guestPath, options, stopBeforeFinal);
  } catch (error) {
    return fail(errnoNameOf(error));
  }
}

function rootIsIntact(dirHostPath: string, expected: FileIdentity): boolean {
  const stat = fs.lstatSync(dirHostPath, { bigint: true, throwIfNoEntry: false });
  return stat?.isDirectory() === true && stat.dev === expected.dev && stat.ino === expected.ino;
}

function walk(dirHostPath: string, guestPath: string, options: ResolveOptions, stopBeforeFinal: boolean): ResolveResult | ResolvedParent {
  const maxHops = options.maxSymlinkHops ?? defaultMaxSymlinkHops;
  const maxComponentBytes = options.maxComponentBytes ?? defaultMaxComponentBytes;
  const rootPrefix = dirHostPath.endsWith(hostSeparator) ? dirHostPath : dirHostPath + hostSeparator;

  // Components still to visit, next one last.
  const pending: string[] = [];
  let mustBeDirectory = pushComponents(pending, guestPath);
  // Checked components, and the host path of each depth.
  const names: string[] = [];
  const hostPaths: string[] = [];
  let hops = 0;
  // The last component came out of a followed symlink.
  let finalFromLink = false;

  while (pending.length > 0) {
    const name = pending.pop()!;
    const isFinal = pending.length === 0;
    if (name === "" || name === ".") continue;
    if (name === "..") {
      if (names.length === 0) return fail("notcapable");
      names.pop();
      hostPaths.pop();
      continue;
    }
    if (exceedsUtf8Bytes(name, maxComponentBytes)) return fail("nametoolong");
    if (isUnsafeOnHost(name)) return fail("notcapable");

    const candidate = hostPaths.length === 0 ? rootPrefix + name : hostPaths[hostPaths.length - 1] + hostSeparator + name;

    if (!isFinal) {
      // Only the type matters here: no BigInt stat needed.
      const stat = fs.lstatSync(candidate, { throwIfNoEntry: false });
      if (stat === undefined) return fail("noent");
      if (stat.isDirectory()) {
        names.push(name);
        hostPaths.push(candidate);
      } else if (stat.isSymbolicLink()) {
        if (++hops > maxHops) return fail("loop");
        const target = readLinkTarget(candidate);
        if (target.length === 0) return fail("noent");
        if (isAbsoluteLinkTarget(target)) return fail("notcapable");
        // The rest of the path follows the target, so a trailing "/" on the
        // target adds nothing.
        pushComponents(pending, target);
      } else {
        return fail("notdir");
      }
      continue;
    }

    if (stopBeforeFinal) {
      names.push(name);
      return { ok: true, hostPath: candidate, components: names, trailingSlash: mustBeDirectory, finalName: name };
    }
    const stat = fs.lstatSync(candidate, { bigint: true, throwIfNoEntry: false });
    if (stat === undefined) {
      // Missing, or the missing target of a dangling link: see the top of the file.
      names.push(name);
      return { ok: true, hostPath: candidate, components: names, trailingSlash: mustBeDirectory, finalStat: null, finalFromLink };
    }
    if (stat.isSymbolicLink() && (options.followFinalSymlink || mustBeDirectory)) {
      if (++hops > maxHops) return fail("loop");
      const target = readLinkTarget(candidate);
      if (target.length === 0) return fail("noent");
      if (isAbsoluteLinkTarget(target)) return fail("notcapable");
      if (pushComponents(pending, target)) mustBeDirectory = true;
      finalFromLink = true;
      continue;
    }
    if (mustBeDirectory && !stat.isDirectory()) return fail("notdir");
    names.push(name);
    return { ok: true, hostPath: candidate, components: names, trailingSlash: mustBeDirectory, finalStat: stat, finalFromLink };
  }

  // The path ended in ".", ".." or only skipped components: it names a
  // directory already on the walk (or the root itself).
  const hostPath = hostPaths.length === 0 ? dirHostPath : hostPaths[hostPaths.length - 1];
  if (stopBeforeFinal) {
    return { ok: true, hostPath, components: names, trailingSlash: mustBeDirectory, finalName: null };
  }
  const finalStat = fs.lstatSync(hostPath, { bigint: true, throwIfNoEntry: false }) ?? null;
  if (finalStat === null) return fail("noent");
  return { ok: true, hostPath, components: names, trailingSlash: mustBeDirectory, finalStat, finalFromLink };
}

/**
 * Whether `fd` refers to the file `expected` describes (same device and
 * inode). Used right after opening a resolved path, to detect that the file
 * was replaced between the resolver's lstat and the open. Never throws.
 */
export function verifySameFile(expected: FileIdentity, fd: number): boolean {
  try {
    const actual = fs.fstatSync(fd, { bigint: true });
    return actual.dev === expected.dev && actual.ino === expected.ino;
  } catch {
    return false;
  }
}
