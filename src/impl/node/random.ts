/**
 * random_get from the OS CSPRNG (crypto.randomFillSync). Guests often ask for
 * a few bytes at a time (hash seeds, UUIDs), and each randomFillSync call
 * costs far more than copying, so small requests are served from a 64 KiB pool
 * that is refilled when it runs dry. Bytes handed out are never handed out
 * again. Large requests are filled in place.
 */
import type { randomFillSync as RandomFillSync } from "node:crypto";
import type { Preview1Host } from "../../generated/preview1/host.js";
import { errno, type Errno } from "../../generated/preview1/types.js";

const poolSize = 65536;
/** Requests up to this size come from the pool. */
const pooledLimit = 256;
/** randomFillSync accepts at most 2^31 - 1 bytes per call. */
const directChunk = 1 << 30;

// node:crypto takes milliseconds to load (a third of the package's import time), so it
// is fetched at the first fill, not when the package is imported.
let loadedFill: typeof RandomFillSync | undefined;
function randomFillSync(buffer: Uint8Array, offset?: number, size?: number): void {
  loadedFill ??= process.getBuiltinModule("node:crypto").randomFillSync;
  loadedFill(buffer, offset, size);
}

// One pool for every host of the thread: bytes handed out are never handed out again, whichever
// host asks, so hosts share nothing through it; and a guest that asks for a seed once does not
// make its host allocate and fill 64 KiB (tens of microseconds per WASI instance).
let pool: Uint8Array | null = null;
let used = poolSize;

function random_get(buffer: Uint8Array): Errno {
  const length = buffer.length;
  if (length <= pooledLimit) {
    pool ??= new Uint8Array(poolSize);
    if (used + length > poolSize) {
      randomFillSync(pool);
      used = 0;
    }
    // A loop beats building a subarray for the few bytes asked for here.
    for (let i = 0; i < length; i++) buffer[i] = pool[used + i];
    used += length;
    return errno.success;
  }
  for (let start = 0; start < length; start += directChunk) {
    randomFillSync(buffer, start, Math.min(directChunk, length - start));
  }
  return errno.success;
}

export function createRandomMethods(): Pick<Preview1Host, "random_get"> {
  return { random_get };
}
