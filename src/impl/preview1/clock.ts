/** clock_res_get and clock_time_get over the context's clock source. */
import type { Preview1Host } from "../../generated/preview1/host.js";
import * as errno from "../../generated/preview1/errno.js";
import type { HostContext } from "../context.js";

export function createClockMethods(ctx: HostContext): Pick<Preview1Host, "clock_res_get" | "clock_time_get"> {
  const clock = ctx.clock;
  return {
    clock_res_get(id, result) {
      result.value = clock.resolution(id);
      return errno.success;
    },
    // `precision` lets a host pick a cheaper source; all ours are cheap, so it is not needed.
    clock_time_get(id, _precision, result) {
      result.value = clock.now(id);
      return errno.success;
    },
  };
}
