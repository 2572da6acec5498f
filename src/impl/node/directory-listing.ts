/**
 * One snapshot of a directory, already serialized the way fd_readdir hands it
 * out: for each entry a `dirent` header (through the generated codec) followed
 * by the name's bytes. Entry i has cookie i (its `d_next` is i + 1), so a
 * cookie is an index and fd_readdir is a single copy from that entry's offset,
 * cut at the end of the guest's buffer as the spec asks. The snapshot is taken
 * when a descriptor first lists the directory and again whenever the guest
 * rewinds to cookie 0 (unless the directory is unchanged: listing-cache.ts);
 * no call reads the directory again for later cookies.
 *
 * `.` and `..` come first, with their inodes. For the other entries d_type
 * comes from the directory itself (Node's readdir, which lstats only entries
 * whose type the file system does not record). d_ino must be the `ino` a
 * filestat of the entry reports, and Node has no call that returns entries'
 * inode numbers, so each entry is lstat'ed once, when the snapshot is taken:
 * a listing costs one lstat per entry, later fd_readdir calls on it (and
 * listings reused by listing-cache.ts) none. An entry gone before its lstat
 * keeps d_ino 0, "unknown". With the openat2 addon the lstat is one
 * `fstatat` on the directory's fd (the caller's `inodeOf`), not a walk of
 * `/proc/self/fd/<fd>/<name>`; and on local file systems the addon writes
 * the whole listing itself (`fromAddon`: getdents64, sorted, as these dirents,
 * in one call, no lstat but for entries of unrecorded type), so that a fresh
 * listing costs no work per entry in JavaScript. Its d_ino is the one
 * readdir(3) gives native programs, the same as a filestat's `ino` for
 * everything but a mount point inside the directory (there it is the inode of
 * the directory the mount covers).
 *
 * Names are Node's UTF-8 decoding of the names on disk: a name that is not
 * valid UTF-8 could not be passed back in a path anyway (paths must be UTF-8).
 */
import { isUtf8 } from "node:buffer";
import { lstatSync, readdirSync } from "node:fs";
import { direntCodec, direntOffsets, filetype, type Dirent as WasiDirent, type Filetype } from "../../generated/preview1/types.js";
import {
  nativeSystemError,
  slotCount,
  slotDirent,
  slotFiletypes,
  slotNotAscii,
  tooSmall,
  undecided,
  type NativeBeneath,
} from "./native-beneath.js";
import { filetypeOf } from "./stats.js";

const headerSize = direntCodec.size;

export class DirectoryListing {
  /** offsets[i] is where entry i starts; the last element is the total length. Found on the first cookie other than 0. */
  private offsets: number[] | null = null;

  private constructor(private readonly bytes: Buffer) {}

  get byteLength(): number {
    return this.bytes.length;
  }

  /**
   * Lists `directoryPath`; `selfIno` and `parentIno` are the inodes of `.` and
   * `..`; `inodeOf` gives an entry's inode from its name (0 when it is gone).
   */
  static read(
    directoryPath: string,
    selfIno: bigint,
    parentIno: bigint,
    inodeOf: (name: string) => bigint = (name) => inodeAt(directoryPath, name),
  ): DirectoryListing {
    const found = readdirSync(directoryPath, { withFileTypes: true });
    const nameLengths = new Array<number>(found.length);
    let namesLength = 0;
    for (let i = 0; i < found.length; i++) {
      const length = Buffer.byteLength(found[i].name, "utf8");
      nameLengths[i] = length;
      namesLength += length;
    }
    const total = (found.length + 2) * headerSize + 3 + namesLength;
    // Zeroed, so the padding after d_type never carries stale bytes.
    const bytes = Buffer.alloc(total);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const header: WasiDirent = { d_next: 0n, d_ino: 0n, d_namlen: 0, d_type: filetype.directory };
    let at = 0;
    const entry = (ino: bigint, type: Filetype, name: string, nameLength: number) => {
      header.d_next++;
      header.d_ino = ino;
      header.d_namlen = nameLength;
      header.d_type = type;
      direntCodec.write(view, at, header);
      at += headerSize + bytes.write(name, at + headerSize, nameLength, "utf8");
    };
    entry(selfIno, filetype.directory, ".", 1);
    entry(parentIno, filetype.directory, "..", 2);
    for (let i = 0; i < found.length; i++) entry(inodeOf(found[i].name), filetypeOf(found[i]), found[i].name, nameLengths[i]);
    return new DirectoryListing(bytes);
  }

  /**
   * The listing the addon writes (native/beneath.c `list`: getdents64 on
   * `dirFd`, sorted as readdirSync sorts, the inodes of `.` and `..` from
   * `slots`, made by listingSlots), or null when it leaves it to readdirSync;
   * a failure is thrown as node:fs would.
   */
  static fromAddon(native: NativeBeneath, dirFd: number, slots: Uint32Array): DirectoryListing | null {
    let length = native.list(dirFd, listingOut, slots);
    if (length === tooSmall) {
      listingOut = Buffer.allocUnsafe(listingOut.readUInt32LE(0) + 4096);
      length = native.list(dirFd, listingOut, slots);
    }
    if (length === undecided || length === tooSmall) return null;
    if (length < 0) throw nativeSystemError(length, "scandir");
    // From Node's pool: a fresh ArrayBuffer per listing costs several times the copy.
    const bytes = Buffer.allocUnsafe(length);
    bytes.set(listingOut.subarray(0, length));
    const listing = new DirectoryListing(bytes);
    return slots[slotNotAscii] === 0 ? listing : listing.decodedAsNode();
  }

  /** Copies the entries from `cookie` on into `into`, as many bytes as fit; returns the bytes copied. */
  copyFrom(cookie: bigint, into: Uint8Array): number {
    const bytes = this.bytes;
    let start = 0;
    if (cookie !== 0n) {
      this.offsets ??= entryOffsets(bytes);
      const offsets = this.offsets;
      if (cookie >= offsets.length - 1) return 0;
      start = offsets[Number(cookie)];
    }
    const length = Math.min(into.length, bytes.length - start);
    into.set(length === bytes.length ? bytes : bytes.subarray(start, start + length));
    return length;
  }

  /**
   * This listing with each name that is not valid UTF-8 as readdirSync reads
   * it (decoded, U+FFFD for what is not UTF-8, encoded again): a name the
   * guest could not pass back in a path anyway.
   */
  private decodedAsNode(): DirectoryListing {
    const offsets = entryOffsets(this.bytes);
    const parts: Buffer[] = [];
    for (let i = 1; i < offsets.length; i++) {
      const entry = Buffer.from(this.bytes.subarray(offsets[i - 1], offsets[i]));
      const name = entry.subarray(headerSize);
      const decoded = isUtf8(name) ? name : Buffer.from(name.toString());
      entry.writeUInt32LE(decoded.length, direntOffsets.d_namlen);
      parts.push(entry.subarray(0, headerSize), decoded);
    }
    return new DirectoryListing(Buffer.concat(parts));
  }
}

/** Where the addon writes a listing (grown when a directory needs more). */
let listingOut = Buffer.allocUnsafe(65536);

/** Where each entry of a listing starts, and its end. */
function entryOffsets(bytes: Buffer): number[] {
  const offsets = [0];
  for (let at = 0; at < bytes.length; ) {
    at += headerSize + bytes.readUInt32LE(at + direntOffsets.d_namlen);
    offsets.push(at);
  }
  return offsets;
}

/**
 * The slots the addon's `list` reads (native-beneath.ts), with the dirent
 * layout of the generated codec and the filetype of each DT_* value as
 * filetypeOf gives it for the same entry (a FIFO is unknown there too).
 */
export function listingSlots(): Uint32Array {
  const slots = new Uint32Array(slotCount);
  slots.set([headerSize, direntOffsets.d_next, direntOffsets.d_ino, direntOffsets.d_namlen, direntOffsets.d_type], slotDirent);
  slots.fill(filetype.unknown, slotFiletypes);
  const byDirentType = [
    [2, filetype.character_device],
    [4, filetype.directory],
    [6, filetype.block_device],
    [8, filetype.regular_file],
    [10, filetype.symbolic_link],
    [12, filetype.socket_stream],
  ];
  for (const [type, kind] of byDirentType) slots[slotFiletypes + type] = kind;
  return slots;
}

/** The entry's inode number as a filestat reports it; 0 when the entry is gone. */
function inodeAt(directoryPath: string, name: string): bigint {
  const path = directoryPath.endsWith("/") ? directoryPath + name : `${directoryPath}/${name}`;
  try {
    return lstatSync(path, { bigint: true, throwIfNoEntry: false })?.ino ?? 0n;
  } catch {
    return 0n;
  }
}
