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
