/**
 * args_* and environ_*. Both lists are encoded once, at construction, into one
 * buffer of NUL-terminated strings plus each string's offset in it; a call
 * copies the buffer and the pointer table with one `writeBytes` each,
 * allocating nothing.
 */
import type { Preview1Host } from "../../generated/preview1/host.js";
import type { Size } from "../../generated/preview1/types.js";
import * as errno from "../../generated/preview1/errno.js";
import { u8Codec } from "../../runtime/codec.js";
import type { GuestPointer } from "../../runtime/pointer.js";

interface EncodedStrings {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  /** [count, bytes], handed to the guest as is by the *_sizes_get calls. */
  readonly sizes: [Size, Size];
}

function encodeStrings(strings: readonly string[]): EncodedStrings {
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

/**
 * Copies one encoded list into guest memory. The pointer table depends only on
 * where the strings go, so its bytes are built once per buffer address and
 * copied with a single `writeBytes` (a guest calling environ_get repeatedly
 * with the same buffers pays one copy each time, not one store per string).
 */
function createStringListCopier(
  encoded: EncodedStrings,
): (table: GuestPointer<GuestPointer<number>>, buffer: GuestPointer<number>) => void {
  let tableFor = -1;
  const tableBytes = new Uint8Array(4 * encoded.offsets.length);
  const tableView = new DataView(tableBytes.buffer);
  return (table, buffer) => {
    buffer.writeBytes(encoded.bytes);
    // A misaligned table is left to storeAddresses, whose checks refuse it.
    if ((table.address & 3) !== 0) {
      table.storeAddresses(buffer, encoded.offsets);
      return;
    }
    if (tableFor !== buffer.address) {
      for (let i = 0; i < encoded.offsets.length; i++) tableView.setUint32(4 * i, buffer.address + encoded.offsets[i], true);
      tableFor = buffer.address;
    }
    table.offset(0, u8Codec).writeBytes(tableBytes);
  };
}

export function createArgsEnvironMethods(
  args: readonly string[],
  env: readonly string[],
): Pick<Preview1Host, "args_get" | "args_sizes_get" | "environ_get" | "environ_sizes_get"> {
  const encodedArgs = encodeStrings(args);
  const encodedEnv = encodeStrings(env);
  const copyArgs = createStringListCopier(encodedArgs);
  const copyEnv = createStringListCopier(encodedEnv);
  return {
    args_get(argv, argvBuf) {
      copyArgs(argv, argvBuf);
      return errno.success;
    },
    args_sizes_get(result) {
      result.value = encodedArgs.sizes;
      return errno.success;
    },
    environ_get(environ, environBuf) {
      copyEnv(environ, environBuf);
      return errno.success;
    },
    environ_sizes_get(result) {
      result.value = encodedEnv.sizes;
      return errno.success;
    },
  };
}
