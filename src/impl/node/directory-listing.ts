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
 * `/proc/self/fd/<fd>/<name>`; and on local file systems the addon reads the
 * whole directory itself (`fromRecords`: getdents64, names, d_ino and d_type
 * in one call, no lstat but for entries of unrecorded type). Its d_ino is the
 * one readdir(3) gives native programs, the same as a filestat's `ino` for
 * everything but a mount point inside the directory (there it is the inode of
 * the directory the mount covers).
 *
 * Names are Node's UTF-8 decoding of the names on disk: a name that is not
 * valid UTF-8 could not be passed back in a path anyway (paths must be UTF-8).
 */
import { isUtf8 } from "node:buffer";
import { lstatSync, readdirSync } from "node:fs";
import { direntCodec, filetype, type Dirent as WasiDirent, type Filetype } from "../../generated/preview1/types.js";
import { filetypeOf } from "./stats.js";

const headerSize = direntCodec.size;

export class DirectoryListing {
  private constructor(
    private readonly bytes: Buffer,
    /** offsets[i] is where entry i starts; the last element is the total length. */
    private readonly offsets: Uint32Array | Float64Array,
  ) {}

  /** For ListingWriter. */
  static of(bytes: Buffer, offsets: Uint32Array | Float64Array): DirectoryListing {
    return new DirectoryListing(bytes, offsets);
  }

  get entryCount(): number {
    return this.offsets.length - 1;
  }

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
    const writer = new ListingWriter(found.length, namesLength, selfIno, parentIno);
    for (let i = 0; i < found.length; i++) {
      const entry = found[i];
      const at = writer.entry(inodeOf(entry.name), filetypeOf(entry), nameLengths[i]);
      writer.bytes.write(entry.name, at, nameLengths[i], "utf8");
    }
    return writer.finish();
  }

  /**
   * The listing of the addon's records (native/beneath.c `list`: the entries
   * with their d_ino and d_type from getdents64, in readdirSync's order). A
   * name that is not ASCII is decoded and encoded again when it is not valid
   * UTF-8, so that it reads as readdirSync decodes it.
   */
  static fromRecords(records: Buffer, length: number, selfIno: bigint, parentIno: bigint): DirectoryListing {
    let count = 0;
    let namesLength = 0;
    let recoded: Map<number, Buffer> | null = null;
    for (let at = 0; at < length; count++) {
      const nameLength = records.readUInt16LE(at + 8);
      const start = at + recordHeader;
      if ((records[at + 11] & notAscii) !== 0 && !isUtf8(records.subarray(start, start + nameLength))) {
        recoded ??= new Map();
        const name = Buffer.from(records.toString("utf8", start, start + nameLength), "utf8");
        recoded.set(at, name);
        namesLength += name.length;
      } else {
        namesLength += nameLength;
      }
      at = start + nameLength;
    }
    const writer = new ListingWriter(count, namesLength, selfIno, parentIno);
    for (let at = 0; at < length; ) {
      const nameLength = records.readUInt16LE(at + 8);
      const start = at + recordHeader;
      const name = recoded?.get(at) ?? records.subarray(start, start + nameLength);
      const into = writer.entry(records.readBigUInt64LE(at), filetypeOfDirentType(records[at + 10]), name.length);
      writer.bytes.set(name, into);
      at = start + nameLength;
    }
    return writer.finish();
  }

  /** Copies the entries from `cookie` on into `into`, as many bytes as fit; returns the bytes copied. */
  copyFrom(cookie: bigint, into: Uint8Array): number {
    const count = this.entryCount;
    if (cookie >= BigInt(count)) return 0;
    const start = this.offsets[Number(cookie)];
    const length = Math.min(into.length, this.bytes.length - start);
    into.set(this.bytes.subarray(start, start + length));
    return length;
  }
}

/** Serializes `.`, `..` and then the entries, one call to `entry` each, into one buffer. */
class ListingWriter {
  readonly bytes: Buffer;
  private readonly view: DataView;
  private readonly offsets: Uint32Array | Float64Array;
  private readonly header: WasiDirent;
  private index = 2;
  private at: number;

  constructor(count: number, namesLength: number, selfIno: bigint, parentIno: bigint) {
    const total = (count + 2) * headerSize + 3 + namesLength;
    // Zeroed, so the padding after d_type never carries stale bytes.
    this.bytes = Buffer.alloc(total);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.offsets = total <= 0xffffffff ? new Uint32Array(count + 3) : new Float64Array(count + 3);
    this.header = { d_next: 1n, d_ino: selfIno, d_namlen: 1, d_type: filetype.directory };
    direntCodec.write(this.view, 0, this.header);
    this.bytes.write(".", headerSize, "latin1");
    this.offsets[1] = headerSize + 1;
    this.header.d_next = 2n;
    this.header.d_ino = parentIno;
    this.header.d_namlen = 2;
    direntCodec.write(this.view, this.offsets[1], this.header);
    this.bytes.write("..", this.offsets[1] + headerSize, "latin1");
    this.at = this.offsets[1] + headerSize + 2;
  }

  /** Writes the next entry's header; returns where its name's bytes go. */
  entry(ino: bigint, type: Filetype, nameLength: number): number {
    const at = this.at;
    this.offsets[this.index] = at;
    this.index++;
    this.header.d_next = BigInt(this.index);
    this.header.d_ino = ino;
    this.header.d_namlen = nameLength;
    this.header.d_type = type;
    direntCodec.write(this.view, at, this.header);
    this.at = at + headerSize + nameLength;
    return at + headerSize;
  }

  finish(): DirectoryListing {
    this.offsets[this.index] = this.at;
    return DirectoryListing.of(this.bytes, this.offsets);
  }
}

/** The addon's records: inode u64, name length u16, d_type u8, flags u8, then the name. */
const recordHeader = 12;
/** A record's flag: the name has bytes above 0x7f. */
const notAscii = 0x80;

/** A DT_* value as the filetype filetypeOf gives the same entry (a FIFO is unknown there too). */
function filetypeOfDirentType(type: number): Filetype {
  switch (type) {
    case 8:
      return filetype.regular_file;
    case 4:
      return filetype.directory;
    case 10:
      return filetype.symbolic_link;
    case 2:
      return filetype.character_device;
    case 6:
      return filetype.block_device;
    case 12:
      return filetype.socket_stream;
    default:
      return filetype.unknown;
  }
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
