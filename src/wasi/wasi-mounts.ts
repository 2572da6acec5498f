/**
 * The `mounts` option of our WASI class: guest paths → in-memory directories
 * (`MemoryDirectory`) or embedder files (`MountedFile`, e.g. `readOnlyFile`,
 * `generatedDevice`). See the README section "In-memory directories and embedder files".
 *
 * WASI reaches files only through preopened directories, and wasi-libc maps
 * an absolute path to the preopen with the longest matching prefix. So:
 * - a directory mount is one more preopen, after the host preopens;
 * - a file mount inside a directory mount is placed in that tree (the
 *   embedder's MemoryDirectory gains the name);
 * - any other file mount gets a read-only in-memory directory at its parent
 *   path, shared by the file mounts with the same parent.
 * A mount may not be at or under a host preopen, nor a directory mount under
 * another: it would hide what is there. (A host preopen inside a mount is
 * fine: it is the more specific prefix, so it is what the guest sees there.)
 * Every refusal throws before anything is opened, naming the mount.
 * The in-memory file system is not imported here: a MemoryDirectory and the
 * ready-made files carry its class (directory-class.ts), so an app that mounts
 * nothing does not bundle it. A hand-made MountedFile alone therefore cannot
 * get a read-only parent made; it must go inside a MemoryDirectory mount.
 */
import type { DescriptionPreopen } from "../impl/description-preopen.js";
import { directoryClass } from "../impl/memory/directory-class.js";
import type { MemoryDirectory } from "../impl/memory/memory-directory.js";
import type { MountedFile } from "../impl/memory/mounted-file.js";
import { invalidArgType, invalidArgValue } from "./node-errors.js";

export type Mount = MemoryDirectory | MountedFile;

function carriedClass(value: unknown): typeof MemoryDirectory | undefined {
  return typeof value === "object" && value !== null ? (value as { [directoryClass]?: typeof MemoryDirectory })[directoryClass] : undefined;
}

function isMemoryDirectory(value: unknown): value is MemoryDirectory {
  const carried = carriedClass(value);
  return carried !== undefined && value instanceof carried;
}

function isMountedFile(value: unknown): value is MountedFile {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<MountedFile>;
  return typeof candidate.filetype === "number" && typeof candidate.open === "function" && typeof candidate.size === "function";
}

/** "/a//b/" → "/a/b"; null for a path that is not absolute or has "." or ".." components. */
function normalizeGuestPath(path: string): string | null {
  if (!path.startsWith("/") || path.includes("\0")) return null;
  const parts = path.split("/").filter((part) => part !== "");
  if (parts.some((part) => part === "." || part === "..")) return null;
  return `/${parts.join("/")}`;
}

/** Whether `path` is `directory` or lies below it (both normalized). */
function isWithin(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory === "/" ? "/" : `${directory}/`);
}

function parentOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut === 0 ? "/" : path.slice(0, cut);
}

function relativeTo(path: string, directory: string): string {
  return directory === "/" ? path.slice(1) : path.slice(directory.length + 1);
}

const optionName = (guestPath: string) => `options.mounts['${guestPath}']`;

/** Checks `mounts` against itself and the host preopens; returns the preopens to add after the host ones, in fd order. */
export function parseMounts(
  value: unknown,
  hostPreopens: readonly (readonly [guestPath: string, hostPath: string])[],
): DescriptionPreopen[] {
  if (value === undefined) return [];
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalidArgType("options.mounts", "Object", value);

  const hostPaths = hostPreopens.map(([guestPath]) => [guestPath, normalizeGuestPath(guestPath)] as const);
  const seen = new Map<string, string>();
  const directories: { path: string; name: string; directory: MemoryDirectory }[] = [];
  const files: { path: string; name: string; file: MountedFile }[] = [];

  for (const [key, mount] of Object.entries(value as Record<string, unknown>)) {
    const name = optionName(key);
    const path = normalizeGuestPath(key);
    if (path === null) throw invalidArgValue(name, key, "must be an absolute guest path without . or .. components");
    const earlier = seen.get(path);
    if (earlier !== undefined) throw invalidArgValue(name, key, `names the same guest path as ${earlier}`);
    seen.set(path, name);
    for (const [hostKey, hostPath] of hostPaths) {
      if (hostPath !== null && isWithin(path, hostPath)) {
        const where = path === hostPath ? "is the same guest path as" : "is inside";
        throw invalidArgValue(name, key, `${where} options.preopens['${hostKey}'] and would shadow it`);
      }
    }
    if (isMemoryDirectory(mount)) directories.push({ path, name, directory: mount });
    else if (isMountedFile(mount)) {
      if (path === "/") throw invalidArgValue(name, key, "a file cannot be mounted at the root");
      files.push({ path, name, file: mount });
    } else throw invalidArgType(name, ["MemoryDirectory", "MountedFile"], mount);
  }

  for (const inner of directories) {
    const outer = directories.find((other) => other !== inner && isWithin(inner.path, other.path));
    if (outer !== undefined) throw invalidArgValue(inner.name, inner.path, `is inside ${outer.name} and would shadow part of it`);
  }

  const Directory = Object.values(value as Record<string, unknown>)
    .map(carriedClass)
    .find((carried) => carried !== undefined);
  // Shallow files first, so a read-only parent made for one can take deeper ones.
  const made: { path: string; directory: MemoryDirectory }[] = [];
  files.sort((a, b) => a.path.split("/").length - b.path.split("/").length);
  for (const { path, name, file } of files) {
    const holders = [...directories, ...made].filter((holder) => isWithin(parentOf(path), holder.path));
    let holder = holders.sort((a, b) => b.path.length - a.path.length)[0];
    if (holder === undefined) {
      if (Directory === undefined) {
        throw invalidArgValue(
          name,
          path,
          `needs a directory to hold it: mount new MemoryDirectory({ readOnly: true }) at '${parentOf(path)}' (or use readOnlyFile/generatedDevice)`,
        );
      }
      holder = { path: parentOf(path), directory: new Directory({ readOnly: true }) };
      made.push(holder);
    }
    try {
      holder.directory.mount(relativeTo(path, holder.path), file);
    } catch (error) {
      throw invalidArgValue(name, path, `cannot be placed: ${(error as Error).message}`);
    }
  }

  return [...directories, ...made].map(({ path, directory }) => [path, (context) => directory.preopen(context)] as const);
}
