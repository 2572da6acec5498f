/**
 * args_* and environ_*. A call copies the list's buffer and its pointer table
 * with one `writeBytes` each, allocating nothing.
 */
import type { Size } from "../../generated/preview1/types.js";
import * as errno from "../../generated/preview1/errno.js";
import { u8Codec } from "../../runtime/codec.js";
import type { GuestPointer } from "../../runtime/pointer.js";
import type { HostMethods } from "./host-class.js";

/**
 * One list (args or env) encoded once, at construction, into one buffer of
 * NUL-terminated strings plus each string's offset in it.
 */
export class StringList {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  /** [count, bytes], handed to the guest as is by the *_sizes_get calls. */
  readonly sizes: [Size, Size];
  /** The pointer table's bytes for the buffer address `tableFor`: built once per address. */
  private tableFor = -1;
  private readonly tableBytes: Uint8Array;

  constructor(strings: readonly string[]) {
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
    this.bytes = bytes;
    this.offsets = offsets;
    this.sizes = [strings.length, total];
    this.tableBytes = new Uint8Array(4 * strings.length);
  }

  /**
   * Copies the list into guest memory. The pointer table depends only on where
   * the strings go, so its bytes are copied with a single `writeBytes` (a guest
   * calling environ_get repeatedly with the same buffers pays one copy each
   * time, not one store per string).
   */
  copyTo(table: GuestPointer<GuestPointer<number>>, buffer: GuestPointer<number>): void {
    buffer.writeBytes(this.bytes);
    // A misaligned table is left to storeAddresses, whose checks refuse it.
    if ((table.address & 3) !== 0) {
      table.storeAddresses(buffer, this.offsets);
      return;
    }
    if (this.tableFor !== buffer.address) {
      const words = new DataView(this.tableBytes.buffer);
      for (let i = 0; i < this.offsets.length; i++) words.setUint32(4 * i, buffer.address + this.offsets[i], true);
      this.tableFor = buffer.address;
    }
    table.offset(0, u8Codec).writeBytes(this.tableBytes);
  }
}

export const argsEnvironMethods: HostMethods<"args_get" | "args_sizes_get" | "environ_get" | "environ_sizes_get"> = {
  args_get(argv, argvBuf) {
    this.args.copyTo(argv, argvBuf);
    return errno.success;
  },
  args_sizes_get(result) {
    result.value = this.args.sizes;
    return errno.success;
  },
  environ_get(environ, environBuf) {
    this.env.copyTo(environ, environBuf);
    return errno.success;
  },
  environ_sizes_get(result) {
    result.value = this.env.sizes;
    return errno.success;
  },
};
