/**
 * Confined path resolution inside a memory tree, by the same rules as the
 * host resolver (src/impl/node/resolver.ts): the walk starts at the
 * descriptor's own directory, which is its root; components are taken one at
 * a time; ".." drops the last directory walked into and, with none left, is
 * an escape (`notcapable`); a symlink before the last component is expanded
 * in place (absolute target: `notcapable`, empty target: `noent`, more than
 * the hop limit: `loop`); the last component is expanded only when the caller
 * follows links or the path ends in "/". The same errnos for the same inputs:
 * empty path `noent`, NUL `inval`, absolute path `notcapable`, path or
 * component too long `nametoolong`, a non-directory in the middle `notdir`.
 */
import type { Errno } from "../../generated/preview1/types.js";
import * as errno from "../../generated/preview1/errno.js";
import { DirectoryNode, SymlinkNode, type Inode } from "./nodes.js";

export interface ResolveLimits {
  maxPathBytes: number;
  maxSymlinkHops: number;
}

/** NAME_MAX, as the host resolver uses. */
const maxComponentBytes = 255;
const slash = 0x2f;
const encoder = new TextEncoder();

/** A UTF-16 unit is at most 3 UTF-8 bytes, so short strings need no encoding pass. */
function exceeds(text: string, limit: number): boolean {
  return text.length * 3 > limit && encoder.encode(text).length > limit;
}

export interface Found {
  /** The directory holding `name` (for a path naming a directory on the walk: that directory). */
  parent: DirectoryNode;
  /** The last component; null when the path ended in ".", ".." or named the root. */
  name: string | null;
  /** What the path names; null when `name` does not exist in `parent`. */
  node: Inode | null;
  /** The path (or the final link's target) ended in "/": the result must be a directory. */
  trailingSlash: boolean;
  /** The final name came out of a followed symlink (a missing one is a dangling link). */
  fromLink: boolean;
}

function pushComponents(pending: string[], text: string): boolean {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === slash) end--;
  const parts = text.slice(0, end).split("/");
  for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]);
  return end < text.length;
}

/** Checks that only the guest path itself can fail, before any walking. */
function checkPath(path: string, limits: ResolveLimits): Errno {
  if (path.length === 0) return errno.noent;
  if (path.includes("\0")) return errno.inval;
  if (path.charCodeAt(0) === slash) return errno.notcapable;
  if (exceeds(path, limits.maxPathBytes)) return errno.nametoolong;
  return errno.success;
}

/**
 * Walks `path` from `root`. A missing last component is not an error (the
 * result has `node: null`) unless it came out of a followed link and the
 * caller did not say it may create through one (`createThroughLink`): that
 * is `noent`, as nothing is created through a dangling link by default.
 */
export function resolve(
  root: DirectoryNode,
  path: string,
  follow: boolean,
  limits: ResolveLimits,
  createThroughLink = false,
): Found | Errno {
  const checked = checkPath(path, limits);
  if (checked !== errno.success) return checked;
  const pending: string[] = [];
  let trailingSlash = pushComponents(pending, path);
  const walked: DirectoryNode[] = [root];
  let hops = 0;
  let fromLink = false;

  while (pending.length > 0) {
    const name = pending.pop()!;
    const isFinal = pending.length === 0;
    if (name === "" || name === ".") continue;
    if (name === "..") {
      if (walked.length === 1) return errno.notcapable;
      walked.pop();
      continue;
    }
    if (exceeds(name, maxComponentBytes)) return errno.nametoolong;
    const parent = walked[walked.length - 1];
    const node = parent.entries.get(name);

    if (!isFinal) {
      if (node === undefined) return errno.noent;
      if (node instanceof DirectoryNode) {
        walked.push(node);
      } else if (node instanceof SymlinkNode) {
        if (++hops > limits.maxSymlinkHops) return errno.loop;
        if (node.target.length === 0) return errno.noent;
        if (node.target.charCodeAt(0) === slash) return errno.notcapable;
        pushComponents(pending, node.target);
      } else {
        return errno.notdir;
      }
      continue;
    }

    if (node === undefined) {
      if (fromLink && !createThroughLink) return errno.noent;
      return { parent, name, node: null, trailingSlash, fromLink };
    }
    if (node instanceof SymlinkNode && (follow || trailingSlash)) {
      if (++hops > limits.maxSymlinkHops) return errno.loop;
      if (node.target.length === 0) return errno.noent;
      if (node.target.charCodeAt(0) === slash) return errno.notcapable;
      if (pushComponents(pending, node.target)) trailingSlash = true;
      fromLink = true;
      continue;
    }
    if (trailingSlash && !(node instanceof DirectoryNode)) return errno.notdir;
    return { parent, name, node, trailingSlash, fromLink };
  }

  const directory = walked[walked.length - 1];
  return { parent: directory, name: null, node: directory, trailingSlash, fromLink };
}
