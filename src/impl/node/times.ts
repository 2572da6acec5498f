/**
 * fstflags → the (atime, mtime) pair Node's utimes family takes.
 *
 * Node has no UTIME_OMIT or UTIME_NOW: it always sets both times, in seconds as
 * a double. A time the guest leaves alone is therefore read first and written
 * back, and "now" is the host's realtime clock. libuv cuts the double to
 * whole microseconds, so what we set is about a microsecond off at worst
 * (README, "What the platform does not give us").
 */
import type { BigIntStats } from "node:fs";
import { fstflags, type Fstflags } from "../../generated/preview1/types.js";

const nanosPerSecond = 1_000_000_000n;

function secondsOf(nanoseconds: bigint): number {
  return Number(nanoseconds / nanosPerSecond) + Number(nanoseconds % nanosPerSecond) / 1e9;
}

/**
 * The times to set. `current` is called only when one of the two times is kept;
 * `now` only when one is set to the present.
 */
export function timesToSet(
  atim: bigint,
  mtim: bigint,
  flags: Fstflags,
  current: () => BigIntStats,
  now: () => bigint,
): [atime: number, mtime: number] {
  const keepsOne = (flags & (fstflags.atim | fstflags.atim_now)) === 0 || (flags & (fstflags.mtim | fstflags.mtim_now)) === 0;
  const stats = keepsOne ? current() : null;
  const present = (flags & (fstflags.atim_now | fstflags.mtim_now)) !== 0 ? now() : 0n;
  const atime = flags & fstflags.atim ? atim : flags & fstflags.atim_now ? present : stats!.atimeNs;
  const mtime = flags & fstflags.mtim ? mtim : flags & fstflags.mtim_now ? present : stats!.mtimeNs;
  return [secondsOf(atime), secondsOf(mtime)];
}
