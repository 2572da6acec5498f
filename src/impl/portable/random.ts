/**
 * random_get from the Web Crypto CSPRNG (`crypto.getRandomValues`, present in
 * browsers, workers and Node 20), which fills at most 65536 bytes per call.
 */
import type { Preview1Host } from "../../generated/preview1/host.js";
import { errno } from "../../generated/preview1/types.js";

const maxPerCall = 65536;

export function fillFromWebCrypto(buffer: Uint8Array): void {
  for (let start = 0; start < buffer.length; start += maxPerCall) {
    globalThis.crypto.getRandomValues(buffer.subarray(start, Math.min(start + maxPerCall, buffer.length)));
  }
}

export function createPortableRandomMethods(): Pick<Preview1Host, "random_get"> {
  return {
    random_get(buffer) {
      fillFromWebCrypto(buffer);
      return errno.success;
    },
  };
}
