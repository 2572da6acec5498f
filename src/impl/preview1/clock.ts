/** clock_res_get and clock_time_get over the host's clock source. */
import * as errno from "../../generated/preview1/errno.js";
import type { HostMethods } from "./host-class.js";

export const clockMethods: HostMethods<"clock_res_get" | "clock_time_get"> = {
  clock_res_get(id, result) {
    result.value = this.clock.resolution(id);
    return errno.success;
  },
  // `precision` lets a host pick a cheaper source; all ours are cheap, so it is not needed.
  clock_time_get(id, _precision, result) {
    result.value = this.clock.now(id);
    return errno.success;
  },
};
