/**
 * What memory descriptions need from the host they are placed in: its clock
 * (timestamps are the host context's realtime clock, so a deterministic clock
 * gives deterministic times) and its limits. A tree used before it is placed
 * anywhere (an embedder filling it) uses the wall clock and default limits.
 */
import type { Fstflags } from "../../generated/preview1/types.js";
import * as clockid from "../../generated/preview1/clockid.js";
import * as fstflags from "../../generated/preview1/fstflags.js";
import type { ClockSource } from "../context.js";
import { defaultHostLimits } from "../limits.js";
import type { Inode } from "./nodes.js";
import type { ResolveLimits } from "./resolve.js";

export interface MemoryEnvironment {
  readonly limits: ResolveLimits;
  /** Realtime now, in ns. */
  now(): bigint;
}

export function memoryEnvironment(clock: ClockSource | null, limits: ResolveLimits): MemoryEnvironment {
  return {
    limits: { maxPathBytes: limits.maxPathBytes, maxSymlinkHops: limits.maxSymlinkHops },
    now: clock === null ? () => BigInt(Date.now()) * 1_000_000n : () => clock.now(clockid.realtime),
  };
}

/** Outside any host: wall clock, default limits. */
export const standaloneEnvironment: MemoryEnvironment = memoryEnvironment(null, defaultHostLimits);

/** utimensat on an inode: each time set, set to now, or kept; ctim becomes now whenever anything is asked. */
export function applyTimes(node: Inode, atim: bigint, mtim: bigint, flags: Fstflags, now: bigint): void {
  if (flags === 0) return;
  if ((flags & fstflags.atim) !== 0) node.atim = atim;
  else if ((flags & fstflags.atim_now) !== 0) node.atim = now;
  if ((flags & fstflags.mtim) !== 0) node.mtim = mtim;
  else if ((flags & fstflags.mtim_now) !== 0) node.mtim = now;
  node.ctim = now;
}
