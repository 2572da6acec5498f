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
 * `/proc/self/fd/<fd>/<name>`.
 *
 * Names are Node's UTF-8 decoding of the names on disk: a name that is not
 * valid UTF-8 could not be passed back in a path anyway (paths must be UTF-8).
 */
import { lstatSync, readdirSync } from "node:fs";
import { direntCodec, filetype, type Dirent as WasiDirent } from "../../generated/preview1/types.js";
import { filetypeOf } from "./stats.js";

const headerSize = direntCodec.size;

export class DirectoryListing {
  private constructor(
    private readonly bytes: Buffer,
    /** offsets[i] is where entry i starts; the last element is the total length. */
    private readonly offsets: Uint32Array | Float64Array,
  ) {}

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
    const count = found.length + 2;
    const nameLengths = new Array<number>(found.length);
    let total = 2 * headerSize + 3;
    for (let i = 0; i < found.length; i++) {
      const length = Buffer.byteLength(found[i].name, "utf8");
      nameLengths[i] = length;
      total += headerSize + length;
    }
    // Zeroed, so the padding after d_type never carries stale bytes.
    const bytes = Buffer.alloc(total);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const offsets = total <= 0xffffffff ? new Uint32Array(count + 1) : new Float64Array(count + 1);
    const header: WasiDirent = { d_next: 1n, d_ino: selfIno, d_namlen: 1, d_type: filetype.directory };
    direntCodec.write(view, 0, header);
    bytes.write(".", headerSize, "latin1");
    offsets[1] = headerSize + 1;
    header.d_next = 2n;
    header.d_ino = parentIno;
    header.d_namlen = 2;
    direntCodec.write(view, offsets[1], header);
    bytes.write("..", offsets[1] + headerSize, "latin1");
    let at = offsets[1] + headerSize + 2;
    for (let i = 0; i < found.length; i++) {
      const entry = found[i];
      offsets[i + 2] = at;
      header.d_next = BigInt(i + 3);
      header.d_ino = inodeOf(entry.name);
      header.d_namlen = nameLengths[i];
      header.d_type = filetypeOf(entry);
      direntCodec.write(view, at, header);
      bytes.write(entry.name, at + headerSize, nameLengths[i], "utf8");
      at += headerSize + nameLengths[i];
    }
    offsets[count] = at;
    return new DirectoryListing(bytes, offsets);
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

/** The entry's inode number as a filestat reports it; 0 when the entry is gone. */
function inodeAt(directoryPath: string, name: string): bigint {
  const path = directoryPath.endsWith("/") ? directoryPath + name : `${directoryPath}/${name}`;
  try {
    return lstatSync(path, { bigint: true, throwIfNoEntry: false })?.ino ?? 0n;
  } catch {
    return 0n;
  }
}
