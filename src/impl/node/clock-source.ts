/**
 * The four WASI clocks on Node.
 *
 * - monotonic: `process.hrtime.bigint()`, nanoseconds from an arbitrary start;
 *   resolution 1 ns (Linux CLOCK_MONOTONIC).
 * - realtime: Node 20 has no nanosecond wall clock (Date.now() is whole
 *   milliseconds), so the wall clock is the monotonic clock plus an offset.
 *   The offset comes from `performance.timeOrigin` (the wall time at process
 *   start, kept to about a microsecond) matched with the monotonic reading at
 *   that moment, so no millisecond truncation creeps in. Because the monotonic
 *   clock does not follow wall-clock steps (NTP, manual changes), a reading is
 *   compared with Date.now() at most every 10 ms of clock time (Date.now()
 *   costs as much as the reading itself); when they drift apart by more
 *   than 2 ms the offset is taken again from Date.now(). Readings therefore
 *   have nanosecond steps, about microsecond accuracy, and follow a step of
 *   the wall clock within 10 ms.
 *   Reported resolution: 1 µs, the accuracy of the anchor. Where the
 *   fast-call addon is loaded (Node 20 on Linux), the wall clock is its
 *   CLOCK_REALTIME instead, the clock the guest's own readings then come from.
 * - process_cputime_id: `process.cpuUsage()` (user + system), which Node
 *   reports in microseconds; resolution 1 µs.
 * - thread_cputime_id: Node 20 cannot measure one thread's CPU time
 *   (process.threadCpuUsage arrived in Node 23), so this is the process's CPU
 *   time too. It still only grows while the program computes, which is what
 *   guests use it for.
 */
import { clockid, type Clockid } from "../../generated/preview1/types.js";
import type { ClockSource } from "../context.js";
import { nativeRealtime } from "./native-fast-calls.js";

const nanosPerMilli = 1_000_000n;
const driftLimit = 2n * nanosPerMilli;
/** How often (in clock time) a reading is compared with Date.now(). */
const checkInterval = 10n * nanosPerMilli;

/** The sources made here: the native clock (native-fast-calls.ts) reads the same clocks, so it may stand in for them. */
export function isNodeClockSource(source: ClockSource): boolean {
  return source instanceof NodeClockSource;
}

/** A class, not closures per host, so every host's clock calls run one compiled `now`. */
class NodeClockSource implements ClockSource {
  // Wall time minus monotonic time, in ns; taken at the first reading of the wall clock, because
  // the first use of `performance` loads perf_hooks (about 0.7 ms), which most guests never need.
  private offset: bigint | undefined = undefined;
  private nextCheck = 0n;
  // Where the addon serves the guest's clock_time_get (native-fast-calls.ts), the host reads that
  // same wall clock, so that a deadline the guest computed from its reading is met when it says.
  private wallClock: (() => bigint) | null | undefined = undefined;

  now(id: Clockid): bigint {
    switch (id) {
      case clockid.realtime:
        return this.realtime();
      case clockid.monotonic:
        return process.hrtime.bigint();
      default: {
        const usage = process.cpuUsage();
        return BigInt(usage.user + usage.system) * 1000n;
      }
    }
  }

  resolution(id: Clockid): bigint {
    return id === clockid.monotonic ? 1n : 1000n;
  }

  private realtime(): bigint {
    this.wallClock ??= nativeRealtime();
    if (this.wallClock !== null) return this.wallClock();
    const monotonic = process.hrtime.bigint;
    this.offset ??= BigInt(Math.round(performance.timeOrigin * 1e6)) - (monotonic() - BigInt(Math.round(performance.now() * 1e6)));
    const value = monotonic() + this.offset;
    if (value < this.nextCheck) return value;
    // Date.now() truncates, so the true time lies in [ms, ms + 1 ms).
    const wall = BigInt(Date.now()) * nanosPerMilli;
    this.nextCheck = value + checkInterval;
    if (value >= wall - driftLimit && value <= wall + nanosPerMilli + driftLimit) return value;
    this.offset = wall + nanosPerMilli / 2n - monotonic();
    this.nextCheck = 0n;
    return wall + nanosPerMilli / 2n;
  }
}

export function createNodeClockSource(): ClockSource {
  return new NodeClockSource();
}
