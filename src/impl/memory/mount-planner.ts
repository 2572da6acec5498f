/**
 * The key under which a MemoryDirectory, and each ready-made MountedFile,
 * carries `planMounts` (mount-plan.ts), and what the `mounts` option needs
 * before it finds one. The WASI class reaches the in-memory file system only
 * through the values it is given, so a bundle whose app mounts nothing leaves
 * the file system and the mount rules out.
 */
import type { DescriptionPreopen } from "../description-preopen.js";
import type { HostClass } from "../preview1/compose-host.js";
import type { MountedFile } from "./mounted-file.js";

export const mountPlanner = Symbol("witx-wasi mount planner");

/** How the option's errors are made (Node's ERR_INVALID_ARG_VALUE / ERR_INVALID_ARG_TYPE, from src/wasi). */
export interface MountErrors {
  invalidValue(name: string, value: unknown, reason: string): Error;
  invalidType(name: string, expected: readonly string[], value: unknown): Error;
}

/**
 * The preopens to add after the host ones, in fd order, and the host class whose
 * path_* and sock_* calls serve them: carried here too, so that a host without
 * mounts can leave them out (src/impl/preview1/streams-only.ts).
 */
export interface MountPlan {
  readonly preopens: DescriptionPreopen[];
  readonly hostClass: HostClass;
}

export type MountPlanner = (
  entries: readonly (readonly [guestPath: string, mount: unknown])[],
  hostPreopens: readonly (readonly [guestPath: string, hostPath: string])[],
  errors: MountErrors,
) => MountPlan;

export const mountOptionName = (guestPath: string) => `options.mounts['${guestPath}']`;

export const notAGuestPath = "must be an absolute guest path without . or .. components";

export const mountKinds = ["MemoryDirectory", "MountedFile"] as const;

/** "/a//b/" → "/a/b"; null for a path that is not absolute or has "." or ".." components. */
export function normalizeGuestPath(path: string): string | null {
  if (!path.startsWith("/") || path.includes("\0")) return null;
  const parts = path.split("/").filter((part) => part !== "");
  if (parts.some((part) => part === "." || part === "..")) return null;
  return `/${parts.join("/")}`;
}

export function parentOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut === 0 ? "/" : path.slice(0, cut);
}

/** Why a file mount outside every directory mount cannot be placed without a carried planner. */
export function holderNeeded(path: string): string {
  return `needs a directory to hold it: mount new MemoryDirectory({ readOnly: true }) at '${parentOf(path)}' (or use readOnlyFile/generatedDevice)`;
}

export function isMountedFile(value: unknown): value is MountedFile {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<MountedFile>;
  return typeof candidate.filetype === "number" && typeof candidate.open === "function" && typeof candidate.size === "function";
}

export function plannerOf(value: unknown): MountPlanner | undefined {
  return typeof value === "object" && value !== null ? (value as { [mountPlanner]?: MountPlanner })[mountPlanner] : undefined;
}
