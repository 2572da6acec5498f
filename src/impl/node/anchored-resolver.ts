// Confined path resolution anchored to directory handles (Linux, /proc/self/fd).
//
// The rules are resolver.ts's (same components, same `..`, same symlink
// expansion, same errnos); what differs is what each step is resolved from.
// There, a step is a host path string built on the root's path, which the
// kernel walks again from `/` every time, following any symlink that appeared
// since the check. Here every step starts from a directory the host holds
// open: the root descriptor itself, then `/proc/self/fd/<parent>/<name>`
// opened with O_PATH|O_DIRECTORY|O_NOFOLLOW for each intermediate component.
// The kernel resolves `/proc/self/fd/<fd>` to the open directory object
// (not to a path), and looks up one name in it without following a symlink
// there, so:
//   - renaming or replacing anything above a handle, the root included,
//     cannot redirect the lookups made through it (the nested-preopen escape:
//     a preopen inside another one, renamed away and replaced by a symlink,
//     still means the directory it was opened on);
//   - a component swapped for a symlink between our look and our use is not
//     followed: the open through the parent handle refuses it (ENOTDIR/ELOOP),
//     and the resolver then reads the link and applies its own rules;
//   - the final component is handed to a call that does not follow it
//     (`/proc/self/fd/<parent>/<name>` with O_NOFOLLOW, lstat, unlink, rmdir,
//     mkdir, rename, link, symlink, readlink), so a link appearing there is
//     never traversed either.
// No result depends on a path string staying the same between check and use:
// the only strings the kernel walks are `/proc/self/fd/<fd>/<one name>`.
//
// Kept handles (directory-handles.ts). Each directory walked into is kept,
// keyed by its physical path below the root. A later path whose directory
// part is plain ("a/b/c/file": no "", ".", ".." components) looks that key
// up and, before using the handle, checks that it is still there: readlink of
// `/proc/self/fd/<handle>` (the directory's current path, from the kernel's
// dentries, symlink-free) must equal the root's current path + "/" + key.
// That check is only about freshness, never about confinement: a kept handle
// was opened beneath the root by the walk above, whatever its readlink says.
// A directory renamed, removed (" (deleted)") or replaced since, by anyone,
// fails the check and the path is walked again. The root's own path is read
// once and again after every rename the guest makes (a guest can rename a
// root that lies inside another preopen), and whenever a check fails.
import { constants, lstatSync, openSync, readlinkSync } from "node:fs";
import type { DirectoryHandles, HandleRoot, Kept } from "./directory-handles.js";
import { codeOf } from "./errno-of.js";
import { errnoNameOf, errnoNameOfCode } from "./errno-map.js";
import {
  defaultMaxComponentBytes,
  defaultMaxPathBytes,
  defaultMaxSymlinkHops,
  exceedsUtf8Bytes,
  fail,
  isAbsoluteLinkTarget,
  pushComponents,
  type ResolveFailure,
  type ResolveOptions,
  type ResolveResult,
  type ResolvedParent,
} from "./resolver.js";

/**
 * O_PATH (Linux): a handle for resolution only, which needs search permission
 * on the directory, not read permission, as a path walk does. Node does not
 * export it; this is its value on every architecture Node runs on.
 */
export const O_PATH = 0o10000000;
const directoryHandleFlags = O_PATH | constants.O_DIRECTORY | constants.O_NOFOLLOW;

const slash = 0x2f;
const deletedSuffix = " (deleted)";

export function procPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

/** Resolves every component, the last one included; see resolver.ts resolvePath. */
export function resolveBeneathHandle(
  handles: DirectoryHandles,
  root: HandleRoot,
  guestPath: string,
  options: ResolveOptions,
): ResolveResult {
  const rejected = precheck(guestPath, options);
  if (rejected !== null) return rejected;
  try {
    const kept = keptParent(handles, root, guestPath);
    if (kept !== null) {
      const hostPath = `${procPath(kept.fd)}/${kept.name}`;
      const stat = lstatSync(hostPath, { bigint: true, throwIfNoEntry: false });
      // A symlink to follow takes the walk, which expands it under the rules.
      if (stat === undefined || !stat.isSymbolicLink() || !options.followFinalSymlink) {
        return {
          ok: true,
          hostPath,
          components: guestPath.split("/"),
          trailingSlash: false,
          finalStat: stat ?? null,
          finalFromLink: false,
        };
      }
    }
    return walk(handles, root, guestPath, options, false) as ResolveResult;
  } catch (error) {
    return fail(errnoNameOf(error));
  }
}

/** Resolves all components but the last, returned unexamined; see resolver.ts resolveParent. */
export function resolveParentBeneathHandle(
  handles: DirectoryHandles,
  root: HandleRoot,
  guestPath: string,
  options: Omit<ResolveOptions, "followFinalSymlink">,
): ResolvedParent | ResolveFailure {
  const all = { ...options, followFinalSymlink: false };
  const rejected = precheck(guestPath, all);
  if (rejected !== null) return rejected;
  try {
    const kept = keptParent(handles, root, guestPath);
    if (kept !== null) {
      return {
        ok: true,
        hostPath: `${procPath(kept.fd)}/${kept.name}`,
        components: guestPath.split("/"),
        trailingSlash: false,
        finalName: kept.name,
      };
    }
    return walk(handles, root, guestPath, all, true) as ResolvedParent | ResolveFailure;
  } catch (error) {
    return fail(errnoNameOf(error));
  }
}

function precheck(guestPath: string, options: ResolveOptions): ResolveFailure | null {
  if (guestPath.length === 0) return fail("noent");
  if (guestPath.includes("\0")) return fail("inval");
  if (guestPath.charCodeAt(0) === slash) return fail("notcapable");
  if (exceedsUtf8Bytes(guestPath, options.maxPathBytes ?? defaultMaxPathBytes)) return fail("nametoolong");
  return null;
}

/**
 * The directory a plain path ("a/b/file", or "file") names its last
 * component in, when a kept handle for it is still where it was: the handle
 * (pinned) and the last component. null sends the path to the walk.
 */
function keptParent(handles: DirectoryHandles, root: HandleRoot, guestPath: string): { fd: number; name: string } | null {
  const cut = plainSplit(guestPath);
  if (cut === -2) return null;
  const name = guestPath.slice(cut + 1);
  if (exceedsUtf8Bytes(name, defaultMaxComponentBytes)) return null;
  if (cut === -1) return { fd: root.fd, name };
  const key = guestPath.slice(0, cut);
  const kept = handles.lookup(root, key);
  if (kept === undefined) return null;
  if (isStillAt(handles, root, kept)) return { fd: kept.fd, name };
  handles.forget(root, key);
  return null;
}

/**
 * Index of the last "/" of a path whose components are all plain names (not
 * empty, ".", or ".."), -1 for a single plain name, -2 for anything else.
 */
function plainSplit(path: string): number {
  let start = 0;
  let last = -1;
  const length = path.length;
  for (let i = 0; i <= length; i++) {
    if (i < length && path.charCodeAt(i) !== slash) continue;
    const size = i - start;
    if (size === 0) return -2;
    if (size <= 2 && path.charCodeAt(start) === 0x2e && (size === 1 || path.charCodeAt(start + 1) === 0x2e)) return -2;
    if (i < length) last = i;
    start = i + 1;
  }
  return last;
}

/** Whether the kept handle is, right now, the directory at its key below the root. */
function isStillAt(handles: DirectoryHandles, root: HandleRoot, kept: Kept): boolean {
  let where: string;
  try {
    where = readlinkSync(procPath(kept.fd), "latin1");
  } catch {
    return false;
  }
  if (where.endsWith(deletedSuffix)) return false;
  const known = currentRootPath(handles, root, false);
  if (known !== null && where === expectedPath(kept, known)) return true;
  // The root itself may have moved since its path was read.
  const fresh = currentRootPath(handles, root, true);
  return fresh !== null && fresh !== known && where === expectedPath(kept, fresh);
}

function expectedPath(kept: Kept, rootPath: string): string {
  if (kept.expectedFor !== rootPath) {
    kept.expected = below(rootPath, kept.key);
    kept.expectedFor = rootPath;
  }
  return kept.expected;
}

function currentRootPath(handles: DirectoryHandles, root: HandleRoot, reread: boolean): string | null {
  if (!reread && root.pathAtRenames === handles.renames) return root.path;
  let path: string | null;
  try {
    path = readlinkSync(procPath(root.fd), "latin1");
  } catch {
    path = null;
  }
  // Only a live directory with an absolute path can match a kept handle's readlink.
  root.path = path !== null && path.charCodeAt(0) === slash && !path.endsWith(deletedSuffix) ? path : null;
  root.pathAtRenames = handles.renames;
  return root.path;
}

/** The path readlink shows for `key` below a directory at `rootPath` (latin1: one char per byte). */
function below(rootPath: string, key: string): string {
  const bytes = isAscii(key) ? key : Buffer.from(key, "utf8").toString("latin1");
  return rootPath.length === 1 ? `/${bytes}` : `${rootPath}/${bytes}`;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Opens the directory `name` in `parentFd` without following a link there; the error code when it is not one. */
function openDirectoryHandle(parentFd: number, name: string): number | string {
  try {
    return openSync(`${procPath(parentFd)}/${name}`, directoryHandleFlags);
  } catch (error) {
    return codeOf(error) ?? "EIO";
  }
}

/** The component walk of resolver.ts, through handles; see the top of this file. */
function walk(
  handles: DirectoryHandles,
  root: HandleRoot,
  guestPath: string,
  options: ResolveOptions,
  stopBeforeFinal: boolean,
): ResolveResult | ResolvedParent | ResolveFailure {
  const maxHops = options.maxSymlinkHops ?? defaultMaxSymlinkHops;
  const maxComponentBytes = options.maxComponentBytes ?? defaultMaxComponentBytes;
  // Components still to visit, next one last.
  const pending: string[] = [];
  let mustBeDirectory = pushComponents(pending, guestPath);
  // The physical path walked so far, and the handle of each of its directories.
  const names: string[] = [];
  const fds: number[] = [];
  let hops = 0;
  let finalFromLink = false;

  while (pending.length > 0) {
    const name = pending.pop()!;
    const isFinal = pending.length === 0;
    if (name === "" || name === ".") continue;
    if (name === "..") {
      if (names.length === 0) return fail("notcapable");
      names.pop();
      fds.pop();
      continue;
    }
    if (exceedsUtf8Bytes(name, maxComponentBytes)) return fail("nametoolong");
    const parentFd = fds.length === 0 ? root.fd : fds[fds.length - 1];
    const candidate = `${procPath(parentFd)}/${name}`;

    if (!isFinal) {
      const opened = openDirectoryHandle(parentFd, name);
      if (typeof opened === "number") {
        names.push(name);
        fds.push(opened);
        handles.keep(root, names.join("/"), opened);
        if (fds.length > handles.maxWalkDepth) return fail("nametoolong");
        continue;
      }
      if (opened !== "ENOTDIR" && opened !== "ELOOP") return fail(errnoNameOfCode(opened));
      // Not a directory, or a symlink: the open does not say which.
      const stat = lstatSync(candidate, { throwIfNoEntry: false });
      if (stat === undefined) return fail("noent");
      if (++hops > maxHops) return fail("loop");
      if (stat.isDirectory()) {
        // Replaced by a directory since the open: look again.
        pending.push(name);
        continue;
      }
      if (!stat.isSymbolicLink()) return fail("notdir");
      const target = readlinkSync(candidate, "utf8");
      if (target.length === 0) return fail("noent");
      if (isAbsoluteLinkTarget(target)) return fail("notcapable");
      // The rest of the path follows the target, so a trailing "/" on it adds nothing.
      pushComponents(pending, target);
      continue;
    }

    if (stopBeforeFinal) {
      names.push(name);
      return { ok: true, hostPath: candidate, components: names, trailingSlash: mustBeDirectory, finalName: name };
    }
    const stat = lstatSync(candidate, { bigint: true, throwIfNoEntry: false });
    if (stat === undefined) {
      // Missing, or the missing target of a dangling link (resolver.ts).
      names.push(name);
      return { ok: true, hostPath: candidate, components: names, trailingSlash: mustBeDirectory, finalStat: null, finalFromLink };
    }
    if (stat.isSymbolicLink() && (options.followFinalSymlink || mustBeDirectory)) {
      if (++hops > maxHops) return fail("loop");
      const target = readlinkSync(candidate, "utf8");
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
  // directory on the walk (or the root); "/." makes the kernel name the
  // directory, not the /proc link.
  const hostPath = `${procPath(fds.length === 0 ? root.fd : fds[fds.length - 1])}/.`;
  if (stopBeforeFinal) return { ok: true, hostPath, components: names, trailingSlash: mustBeDirectory, finalName: null };
  const finalStat = lstatSync(hostPath, { bigint: true, throwIfNoEntry: false }) ?? null;
  if (finalStat === null) return fail("noent");
  return { ok: true, hostPath, components: names, trailingSlash: mustBeDirectory, finalStat, finalFromLink };
}
