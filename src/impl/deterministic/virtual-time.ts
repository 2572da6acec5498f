/**
 * Deterministic mode's clock: a virtual clock, so that a program given the
 * same arguments, environment and input produces the same output, byte for
 * byte, on every run and every machine (seeded-random.ts is its random half).
 *
 * Realtime starts at `startTime`, monotonic at 0, and every reading of either
 * moves both forward by `step`. The CPU-time clocks start at 0 and move by
 * `step` per reading of their own. Sleeping (poll_oneoff with a clock
 * subscription) does not wait: it moves the realtime and monotonic clocks
 * forward by the time slept, so a timeout expires at once and in order.
 */
import type { Clockid } from "../../generated/preview1/types.js";
import * as clockid from "../../generated/preview1/clockid.js";
import type { ClockSource } from "../context.js";

export interface VirtualTimeOptions {
  /** The first realtime reading: nanoseconds since the Unix epoch as a bigint, or a Date. Default 0 (1970-01-01). */
  startTime?: bigint | Date;
  /** How far, in nanoseconds, each reading moves its clock. Default 1 ms. */
  step?: bigint;
}

/** A clock source plus the sleep that goes with it: the two must agree, so they come together. */
export interface VirtualTime {
  clock: ClockSource;
  sleep(nanoseconds: bigint): void;
}

const defaultStep = 1_000_000n;

function startNanoseconds(start: bigint | Date | undefined): bigint {
  if (start === undefined) return 0n;
  if (start instanceof Date) return BigInt(start.getTime()) * 1_000_000n;
  return start;
}

export function createVirtualTime(options: VirtualTimeOptions = {}): VirtualTime {
  const step = options.step ?? defaultStep;
  if (typeof step !== "bigint" || step < 0n) throw new RangeError("deterministic.step must be a bigint >= 0");
  const start = startNanoseconds(options.startTime);
  if (typeof start !== "bigint" || start < 0n) throw new RangeError("deterministic.startTime must be a bigint >= 0 or a Date");
  // Time since the run began, shared by realtime and monotonic; CPU time has its own count.
  let elapsed = 0n;
  let cpu = 0n;
  return {
    clock: {
      now(id: Clockid): bigint {
        if (id === clockid.realtime || id === clockid.monotonic) {
          const reading = id === clockid.realtime ? start + elapsed : elapsed;
          elapsed += step;
          return reading;
        }
        const reading = cpu;
        cpu += step;
        return reading;
      },
      resolution(): bigint {
        return step > 0n ? step : 1n;
      },
    },
    sleep(nanoseconds: bigint): void {
      if (nanoseconds > 0n) elapsed += nanoseconds;
    },
  };
}
