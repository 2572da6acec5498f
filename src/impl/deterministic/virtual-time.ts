/**
 * Deterministic mode: a virtual clock and a seeded random source, so that a
 * program given the same arguments, environment and input produces the same
 * output, byte for byte, on every run and every machine.
 *
 * The clock. Realtime starts at `startTime`, monotonic at 0, and every
 * reading of either moves both forward by `step`. The CPU-time clocks start at
 * 0 and move by `step` per reading of their own. Sleeping (poll_oneoff with a
 * clock subscription) does not wait: it moves the realtime and monotonic
 * clocks forward by the time slept, so a timeout expires at once and in order.
 *
 * The random source is xoshiro128** seeded through splitmix32. It is NOT
 * cryptographic: anyone who knows the seed knows every byte. Use it for
 * reproducible runs (tests, replays, golden output), never for secrets.
 */
import type { Preview1Host } from "../../generated/preview1/host.js";
import { clockid, errno, type Clockid } from "../../generated/preview1/types.js";
import type { ClockSource } from "../context.js";

export interface DeterministicOptions {
  /** Seeds random_get. A number (its integer part, mod 2^32), a bigint (mod 2^64) or a string (hashed). Default 0. */
  seed?: number | bigint | string;
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

export function createVirtualTime(options: DeterministicOptions = {}): VirtualTime {
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

/** 32 bits from a seed of any accepted kind, folded so different seeds rarely collide. */
function seedWord(seed: number | bigint | string): number {
  if (typeof seed === "number") return Math.trunc(seed) >>> 0;
  if (typeof seed === "bigint") return Number(BigInt.asUintN(32, seed ^ (seed >> 32n)));
  // FNV-1a over the UTF-8 bytes.
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(seed)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** A seeded byte generator (xoshiro128**). Not cryptographic. */
export function seededRandomBytes(seed: number | bigint | string = 0): (buffer: Uint8Array) => void {
  let mix = seedWord(seed);
  // splitmix32 spreads one word over the four words of state, which must not all be zero.
  const next32 = () => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = new Uint32Array([next32(), next32(), next32(), next32()]);
  const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));
  const word = () => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  return (buffer) => {
    for (let i = 0; i < buffer.length; i += 4) {
      let value = word();
      for (let j = i; j < Math.min(i + 4, buffer.length); j++, value >>>= 8) buffer[j] = value & 0xff;
    }
  };
}

/** random_get over a byte generator. */
export function randomMethodsFrom(fill: (buffer: Uint8Array) => void): Pick<Preview1Host, "random_get"> {
  return {
    random_get(buffer) {
      fill(buffer);
      return errno.success;
    },
  };
}
