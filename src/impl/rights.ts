/**
 * WASI rights as plain JS numbers. The witx `rights` flags are 64-bit (bigint on
 * the wire) but define only 30 bits, so every set fits a number exactly and the
 * check on each call is one integer `&`, with no BigInt arithmetic on hot paths.
 * The conversions happen at the few places rights cross the guest boundary
 * (path_open, fd_fdstat_get, fd_fdstat_set_rights).
 *
 * The per-kind sets below are the most a descriptor of that kind can hold; a
 * descriptor's actual rights are what it was granted intersected with these.
 */
import * as Right from "../generated/preview1/rights.js";
import type { Filetype, Rights } from "../generated/preview1/types.js";
import * as filetype from "../generated/preview1/filetype.js";

/** The glue has already refused bits outside `rightsAll`, so the conversion is exact. */
export function rightsFromGuest(value: Rights): number {
  return Number(value);
}

export function rightsToGuest(value: number): Rights {
  return BigInt(value);
}

/** What a regular file (or block device) can do. */
const fileRights =
  Right.fd_datasync |
  Right.fd_read |
  Right.fd_seek |
  Right.fd_fdstat_set_flags |
  Right.fd_sync |
  Right.fd_tell |
  Right.fd_write |
  Right.fd_advise |
  Right.fd_allocate |
  Right.fd_filestat_get |
  Right.fd_filestat_set_size |
  Right.fd_filestat_set_times |
  Right.poll_fd_readwrite;

/** What a directory can do: the path operations and listing, never data I/O. */
export const directoryRights =
  Right.fd_fdstat_set_flags |
  Right.fd_sync |
  Right.fd_datasync |
  Right.path_create_directory |
  Right.path_create_file |
  Right.path_link_source |
  Right.path_link_target |
  Right.path_open |
  Right.fd_readdir |
  Right.path_readlink |
  Right.path_rename_source |
  Right.path_rename_target |
  Right.path_filestat_get |
  Right.path_filestat_set_size |
  Right.path_filestat_set_times |
  Right.fd_filestat_get |
  Right.fd_filestat_set_times |
  Right.path_symlink |
  Right.path_remove_directory |
  Right.path_unlink_file;

/** A directory may hand out anything a directory or a file can do. */
export const directoryInheritingRights = directoryRights | fileRights;

/**
 * A stream without a position (pipe, terminal, character device). Deliberately
 * without fd_seek and fd_tell: wasi-libc's isatty() is "character device
 * without seek rights", and its lseek() turns `notcapable` into ESPIPE.
 */
export const streamRights =
  Right.fd_read |
  Right.fd_write |
  Right.fd_fdstat_set_flags |
  Right.fd_filestat_get |
  Right.fd_filestat_set_times |
  Right.poll_fd_readwrite;

/** A socket reached as a stream (a socketpair given as stdio). */
export const socketRights = streamRights | Right.sock_shutdown;

/** A listening socket handed to the guest (the worker runner's `sockets` option). */
export const listenerRights = socketRights | Right.sock_accept;

/**
 * A regular file given as stdio (`< input.txt`). Its offset is shared with
 * whoever gave it to us, and Node has no lseek, so reads and writes use the
 * OS offset and there is no seeking.
 */
export const stdioFileRights = fileRights & ~(Right.fd_seek | Right.fd_tell);

/** The rights that make path_open open the file for reading / writing (as wasmtime and uvwasi decide). */
export const readingRights = Right.fd_read | Right.fd_readdir;
export const writingRights = Right.fd_datasync | Right.fd_write | Right.fd_allocate | Right.fd_filestat_set_size;

/**
 * The rights path_open refuses (`notcapable`) rather than drops when the
 * directory's inheriting rights lack them. The witx allows an fd with fewer
 * rights than requested only for rights that do not apply to the kind of file
 * opened; reading and writing data apply to every regular file, so withholding
 * them silently would hand out a descriptor that cannot do what was asked.
 * Every other right beyond the inheriting set is dropped without error, since
 * wasi-libc and Rust std ask for far more than any one file can use.
 */
export const rightsRefusedUnlessInherited = Right.fd_read | Right.fd_write;

export interface RightsPair {
  readonly base: number;
  readonly inheriting: number;
}

const directoryMaximum: RightsPair = { base: directoryRights, inheriting: directoryInheritingRights };
const fileMaximum: RightsPair = { base: fileRights, inheriting: 0 };
const socketMaximum: RightsPair = { base: socketRights, inheriting: 0 };
const streamMaximum: RightsPair = { base: streamRights, inheriting: 0 };

/** The most a descriptor opened by path_open can hold, by what it turned out to be. */
export function maximumRightsFor(type: Filetype): RightsPair {
  switch (type) {
    case filetype.directory:
      return directoryMaximum;
    case filetype.regular_file:
    case filetype.block_device:
      return fileMaximum;
    case filetype.socket_stream:
    case filetype.socket_dgram:
      return socketMaximum;
    default:
      return streamMaximum;
  }
}
