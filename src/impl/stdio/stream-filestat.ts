/** The attributes of an in-memory stdio stream. The Filestat is reused between calls, so every field is written. */
import type { Filestat, Filetype } from "../../generated/preview1/types.js";

export function fillStreamFilestat(into: Filestat, type: Filetype, size: bigint): void {
  into.dev = 0n;
  into.ino = 0n;
  into.filetype = type;
  into.nlink = 1n;
  into.size = size;
  into.atim = 0n;
  into.mtim = 0n;
  into.ctim = 0n;
}
