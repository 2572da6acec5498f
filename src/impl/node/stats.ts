/** Node stat results in WASI terms. */
import type { BigIntStats } from "node:fs";
import { filetype, type Filestat, type Filetype } from "../../generated/preview1/types.js";
import { nativeLittleEndian } from "../../runtime/memory.js";

/** What Stats, BigIntStats and Dirent all answer. */
export interface FileKind {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}

/**
 * WASI has no FIFO type; a pipe is `unknown`, as wasmtime reports it. Sockets
 * are `socket_stream`: stat cannot tell a datagram socket apart.
 */
export function filetypeOf(stats: FileKind): Filetype {
  if (stats.isFile()) return filetype.regular_file;
  if (stats.isDirectory()) return filetype.directory;
  if (stats.isSymbolicLink()) return filetype.symbolic_link;
  if (stats.isCharacterDevice()) return filetype.character_device;
  if (stats.isBlockDevice()) return filetype.block_device;
  if (stats.isSocket()) return filetype.socket_stream;
  return filetype.unknown;
}

export function fillFilestat(into: Filestat, stats: BigIntStats): Filestat {
  into.dev = stats.dev;
  into.ino = stats.ino;
  into.filetype = filetypeOf(stats);
  into.nlink = stats.nlink;
  into.size = stats.size;
  into.atim = stats.atimeNs;
  into.mtim = stats.mtimeNs;
  into.ctim = stats.ctimeNs;
  return into;
}

const fileTypeMask = 0o170000;
const filetypeByModeBits: ReadonlyMap<number, Filetype> = new Map([
  [0o100000, filetype.regular_file],
  [0o040000, filetype.directory],
  [0o120000, filetype.symbolic_link],
  [0o020000, filetype.character_device],
  [0o060000, filetype.block_device],
  [0o140000, filetype.socket_stream],
]);

/**
 * Where the addon writes a stat (native-beneath.ts): dev, ino, mode, nlink,
 * size, atim, mtim, ctim, as Node's BigIntStats give them.
 *
 * Reading an element of a BigInt64Array makes a new BigInt, and a filestat
 * needs seven. Most of them repeat from one stat to the next (dev always,
 * nlink nearly always, everything when a program stats the same file again),
 * so each field keeps the BigInt it last made and the two 32-bit words it made
 * it from, and makes a new one only when the words differ. Both start at 0,
 * which is 0n.
 */
export class NativeStatBuffer {
  readonly values = new BigInt64Array(8);
  private readonly words = new Int32Array(this.values.buffer);
  private readonly lastWords = new Int32Array(16);
  private readonly lastValues: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n];

  fill(into: Filestat): Filestat {
    into.dev = this.field(0);
    into.ino = this.field(1);
    // The mode fits in the low word (little-endian, as every Linux Node runs on but s390x).
    into.filetype = filetypeByModeBits.get(this.modeWord() & fileTypeMask) ?? filetype.unknown;
    into.nlink = this.field(3);
    into.size = this.field(4);
    into.atim = this.field(5);
    into.mtim = this.field(6);
    into.ctim = this.field(7);
    return into;
  }

  private modeWord(): number {
    return nativeLittleEndian ? this.words[4] : Number(this.values[2]);
  }

  private field(index: number): bigint {
    const low = this.words[2 * index];
    const high = this.words[2 * index + 1];
    if (low === this.lastWords[2 * index] && high === this.lastWords[2 * index + 1]) return this.lastValues[index];
    this.lastWords[2 * index] = low;
    this.lastWords[2 * index + 1] = high;
    const value = this.values[index];
    this.lastValues[index] = value;
    return value;
  }
}
