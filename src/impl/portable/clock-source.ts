/**
 * The clocks from web APIs only, for hosts without Node: monotonic from
 * `performance.now()` (fractional milliseconds, so about microsecond
 * resolution where the browser allows it), realtime from
 * `performance.timeOrigin + performance.now()`. There is no CPU-time API on
 * the web, so both CPU-time clocks read the monotonic clock: they still only
 * go forward, which is what guests rely on.
 */
import type { Clockid } from "../../generated/preview1/types.js";
import * as clockid from "../../generated/preview1/clockid.js";
import type { ClockSource } from "../context.js";

function millisToNanos(milliseconds: number): bigint {
  return BigInt(Math.round(milliseconds * 1e6));
}

export function createPortableClockSource(): ClockSource {
  const origin = millisToNanos(performance.timeOrigin);
  return {
    now(id: Clockid): bigint {
      const monotonic = millisToNanos(performance.now());
      return id === clockid.realtime ? origin + monotonic : monotonic;
    },
    resolution(): bigint {
      return 1000n;
    },
  };
}
