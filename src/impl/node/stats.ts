/** Node stat results in WASI terms. */
import type { BigIntStats } from "node:fs";
import { filetype, type Filestat, type Filetype } from "../../generated/preview1/types.js";

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

/** The addon's stat (native-beneath.ts): dev, ino, mode, nlink, size, atim, mtim, ctim, as Node's BigIntStats give them. */
export function fillFilestatFromNative(into: Filestat, values: BigInt64Array): Filestat {
  into.dev = values[0];
  into.ino = values[1];
  into.filetype = filetypeByModeBits.get(Number(values[2]) & fileTypeMask) ?? filetype.unknown;
  into.nlink = values[3];
  into.size = values[4];
  into.atim = values[5];
  into.mtim = values[6];
  into.ctim = values[7];
  return into;
}
