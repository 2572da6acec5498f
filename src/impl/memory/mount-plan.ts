/**
 * The rules of the `mounts` option (guest paths → in-memory directories or
 * embedder files). WASI reaches files only through preopened directories, and
 * wasi-libc maps an absolute path to the preopen with the longest matching
 * prefix. So:
 * - a directory mount is one more preopen, after the host preopens;
 * - a file mount inside a directory mount is placed in that tree (the
 *   embedder's MemoryDirectory gains the name);
 * - any other file mount gets a read-only in-memory directory at its parent
 *   path, shared by the file mounts with the same parent.
 * A mount may not be at or under a host preopen, nor a directory mount under
 * another: it would hide what is there. (A host preopen inside a mount is
 * fine: it is the more specific prefix, so it is what the guest sees there.)
 * Every refusal throws before anything is opened, naming the mount.
 * The WASI class reaches this through the mounted values (mount-planner.ts).
 */
import type { DescriptionPreopen } from "../description-preopen.js";
import { FullHost } from "../preview1/path-and-socket.js";
import { MemoryDirectory } from "./memory-directory.js";
import type { MountedFile } from "./mounted-file.js";
import {
  isMountedFile,
  mountKinds,
  mountOptionName,
  normalizeGuestPath,
  notAGuestPath,
  parentOf,
  type MountPlanner,
} from "./mount-planner.js";

/** Whether `path` is `directory` or lies below it (both normalized). */
function isWithin(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory === "/" ? "/" : `${directory}/`);
}

function relativeTo(path: string, directory: string): string {
  return directory === "/" ? path.slice(1) : path.slice(directory.length + 1);
}

/** Checks the mounts against each other and the host preopens; returns the preopens to add after the host ones, in fd order, with the calls that serve them. */
export const planMounts: MountPlanner = (entries, hostPreopens, errors) => {
  const hostPaths = hostPreopens.map(([guestPath]) => [guestPath, normalizeGuestPath(guestPath)] as const);
  const seen = new Map<string, string>();
  const directories: { path: string; name: string; directory: MemoryDirectory }[] = [];
  const files: { path: string; name: string; file: MountedFile }[] = [];

  for (const [key, mount] of entries) {
    const name = mountOptionName(key);
    const path = normalizeGuestPath(key);
    if (path === null) throw errors.invalidValue(name, key, notAGuestPath);
    const earlier = seen.get(path);
    if (earlier !== undefined) throw errors.invalidValue(name, key, `names the same guest path as ${earlier}`);
    seen.set(path, name);
    for (const [hostKey, hostPath] of hostPaths) {
      if (hostPath !== null && isWithin(path, hostPath)) {
        const where = path === hostPath ? "is the same guest path as" : "is inside";
        throw errors.invalidValue(name, key, `${where} options.preopens['${hostKey}'] and would shadow it`);
      }
    }
    if (mount instanceof MemoryDirectory) directories.push({ path, name, directory: mount });
    else if (isMountedFile(mount)) {
      if (path === "/") throw errors.invalidValue(name, key, "a file cannot be mounted at the root");
      files.push({ path, name, file: mount });
    } else throw errors.invalidType(name, mountKinds, mount);
  }

  for (const inner of directories) {
    const outer = directories.find((other) => other !== inner && isWithin(inner.path, other.path));
    if (outer !== undefined) throw errors.invalidValue(inner.name, inner.path, `is inside ${outer.name} and would shadow part of it`);
  }

  // Shallow files first, so a read-only parent made for one can take deeper ones.
  const made: { path: string; directory: MemoryDirectory }[] = [];
  files.sort((a, b) => a.path.split("/").length - b.path.split("/").length);
  for (const { path, name, file } of files) {
    const holders = [...directories, ...made].filter((holder) => isWithin(parentOf(path), holder.path));
    let holder = holders.sort((a, b) => b.path.length - a.path.length)[0];
    if (holder === undefined) {
      holder = { path: parentOf(path), directory: new MemoryDirectory({ readOnly: true }) };
      made.push(holder);
    }
    try {
      holder.directory.mount(relativeTo(path, holder.path), file);
    } catch (error) {
      throw errors.invalidValue(name, path, `cannot be placed: ${(error as Error).message}`);
    }
  }

  const preopens = [...directories, ...made].map(
    ({ path, directory }): DescriptionPreopen => [path, (context) => directory.preopen(context)] as const,
  );
  return { preopens, hostClass: FullHost };
};
