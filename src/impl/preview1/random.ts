/** random_get over a byte generator (the Web Crypto one, deterministic mode's seeded one). */
import type { Preview1Host } from "../../generated/preview1/host.js";
import * as errno from "../../generated/preview1/errno.js";

export function randomMethodsFrom(fill: (buffer: Uint8Array) => void): Pick<Preview1Host, "random_get"> {
  return {
    random_get(buffer) {
      fill(buffer);
      return errno.success;
    },
  };
}
