/**
 * random_get from the Web Crypto CSPRNG (`crypto.getRandomValues`, present in
 * browsers, workers and Node 20), which fills at most 65536 bytes per call.
 */
import type { Preview1Host } from "../../generated/preview1/host.js";
import { randomMethodsFrom } from "../preview1/random.js";

const maxPerCall = 65536;

function fillFromWebCrypto(buffer: Uint8Array): void {
  for (let start = 0; start < buffer.length; start += maxPerCall) {
    globalThis.crypto.getRandomValues(buffer.subarray(start, Math.min(start + maxPerCall, buffer.length)));
  }
}

// One for every host: it keeps nothing of its own.
const webCryptoRandom = randomMethodsFrom(fillFromWebCrypto);

export function createPortableRandomMethods(): Pick<Preview1Host, "random_get"> {
  return webCryptoRandom;
}
