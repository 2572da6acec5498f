/**
 * What the area modules share. Each area is a function of this context that
 * returns its slice of the Preview1Host interface.
 */
import type { Clockid } from "../generated/preview1/types.js";
import type { FdTable } from "./fd-table.js";
import type { HostLimits } from "./limits.js";

/** The clocks, readable in nanoseconds; every clockid is supported. */
export interface ClockSource {
  now(id: Clockid): bigint;
  resolution(id: Clockid): bigint;
}

export interface HostContext {
  readonly fds: FdTable;
  readonly limits: HostLimits;
  readonly clock: ClockSource;
  /**
   * Blocks the calling thread for about `nanoseconds` without spinning (may return a little early).
   * The worker runner's sleep returns a promise instead, so its event loop keeps running.
   */
  sleep(nanoseconds: bigint): void | Promise<void>;
}
