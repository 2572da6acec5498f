/** The one rule about fstflags every setter shares. */
import type { Fstflags } from "../generated/preview1/types.js";
import * as fstflags from "../generated/preview1/fstflags.js";

/** A time and its `_now` form together make the call invalid. */
export function conflictingTimeFlags(flags: Fstflags): boolean {
  return (
    ((flags & fstflags.atim) !== 0 && (flags & fstflags.atim_now) !== 0) ||
    ((flags & fstflags.mtim) !== 0 && (flags & fstflags.mtim_now) !== 0)
  );
}
