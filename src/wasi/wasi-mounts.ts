/**
 * The `mounts` option of our WASI class: guest paths → in-memory directories
 * (`MemoryDirectory`) or embedder files (`MountedFile`, e.g. `readOnlyFile`,
 * `generatedDevice`). See the README section "In-memory directories and
 * embedder files"; the rules are in src/impl/memory/mount-plan.ts.
 *
 * This module does not import the in-memory file system: a MemoryDirectory
 * and the ready-made files carry the rules (mount-planner.ts), so an app that
 * mounts nothing does not bundle them. Every valid `mounts` has such a value,
 * since a hand-made MountedFile must be placed in a MemoryDirectory mount;
 * without one, the first entry's problem is reported here.
 */
import type { MemoryDirectory } from "../impl/memory/memory-directory.js";
import type { MountedFile } from "../impl/memory/mounted-file.js";
import {
  holderNeeded,
  isMountedFile,
  mountKinds,
  mountOptionName,
  normalizeGuestPath,
  notAGuestPath,
  plannerOf,
  type MountErrors,
  type MountPlan,
} from "../impl/memory/mount-planner.js";
import { invalidArgType, invalidArgValue, requireObject } from "./node-errors.js";

export type Mount = MemoryDirectory | MountedFile;

const errors: MountErrors = { invalidValue: invalidArgValue, invalidType: invalidArgType };

/** Checks `mounts` against itself and the host preopens; returns the preopens to add after the host ones (null: none). */
export function parseMounts(value: unknown, hostPreopens: readonly (readonly [guestPath: string, hostPath: string])[]): MountPlan | null {
  if (value === undefined) return null;
  requireObject(value, "options.mounts");
  const entries = Object.entries(value);
  const plan = entries.map(([, mount]) => plannerOf(mount)).find((planner) => planner !== undefined);
  if (plan !== undefined) return plan(entries, hostPreopens, errors);
  for (const [key, mount] of entries) {
    const name = mountOptionName(key);
    const path = normalizeGuestPath(key);
    if (path === null) throw invalidArgValue(name, key, notAGuestPath);
    if (!isMountedFile(mount)) throw invalidArgType(name, mountKinds, mount);
    throw invalidArgValue(name, key, holderNeeded(path));
  }
  return null;
}
