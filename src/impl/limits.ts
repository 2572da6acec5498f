/** The host limits, as the hosts use them; defined with the glue that enforces some of them (src/runtime/limits.ts). */
export { defaultHostLimits, resolveHostLimits, type HostLimits } from "../runtime/limits.js";
