/**
 * args_* and environ_*. Both lists are encoded once, at construction, into one
 * buffer of NUL-terminated strings plus each string's offset in it; a call
 * copies the buffer with one `writeBytes` and stores the pointer table with
 * one `storeAddresses`, allocating nothing.
 */
import type { Preview1Host } from "../generated/preview1/host.js";
import { errno, type Size } from "../generated/preview1/types.js";

export interface EncodedStrings {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  /** [count, bytes], handed to the guest as is by the *_sizes_get calls. */
  readonly sizes: [Size, Size];
}

export function encodeStrings(strings: readonly string[]): EncodedStrings {
  const encoder = new TextEncoder();
  const encoded = strings.map((text) => encoder.encode(text));
  const total = encoded.reduce((sum, bytes) => sum + bytes.length + 1, 0);
  const bytes = new Uint8Array(total);
  const offsets = new Uint32Array(strings.length);
  let at = 0;
  encoded.forEach((text, index) => {
    offsets[index] = at;
    bytes.set(text, at);
    at += text.length + 1; // the NUL is already there: the buffer starts zeroed
  });
  return { bytes, offsets, sizes: [strings.length, total] };
}

export function createArgsEnvironMethods(
  args: readonly string[],
  env: readonly string[],
): Pick<Preview1Host, "args_get" | "args_sizes_get" | "environ_get" | "environ_sizes_get"> {
  const encodedArgs = encodeStrings(args);
  const encodedEnv = encodeStrings(env);
  return {
    args_get(argv, argvBuf) {
      argvBuf.writeBytes(encodedArgs.bytes);
      argv.storeAddresses(argvBuf, encodedArgs.offsets);
      return errno.success;
    },
    args_sizes_get(result) {
      result.value = encodedArgs.sizes;
      return errno.success;
    },
    environ_get(environ, environBuf) {
      environBuf.writeBytes(encodedEnv.bytes);
      environ.storeAddresses(environBuf, encodedEnv.offsets);
      return errno.success;
    },
    environ_sizes_get(result) {
      result.value = encodedEnv.sizes;
      return errno.success;
    },
  };
}
