/**
 * One snapshot of a directory, already serialized the way fd_readdir hands it
 * out: for each entry a `dirent` header (through the generated codec) followed
 * by the name's bytes. Entry i has cookie i (its `d_next` is i + 1), so a
 * cookie is an index and fd_readdir is a single copy from that entry's offset,
 * cut at the end of the guest's buffer as the spec asks. The snapshot is taken
 * when a descriptor first lists the directory and again whenever the guest
 * rewinds to cookie 0; no call reads the directory again for later cookies.
 *
 * `.` and `..` come first, with their inodes. Every other entry is lstat'ed
 * once here for its inode and type, so that wasi-libc, which stats each entry
 * whose d_ino is 0, never needs to; an entry that vanished before its lstat
 * keeps the type readdir gave it and inode 0. Names are the raw bytes on disk.
 */
import { lstatSync, readdirSync, type Dirent } from "node:fs";
import { direntCodec, filetype, type Dirent as WasiDirent, type Filetype } from "../../generated/preview1/types.js";
import { filetypeOf } from "./stats.js";

const headerSize = direntCodec.size;
const dot = Buffer.from(".");
const dotDot = Buffer.from("..");

export class DirectoryListing {
  private constructor(
    private readonly bytes: Uint8Array,
    /** offsets[i] is where entry i starts; the last element is the total length. */
    private readonly offsets: readonly number[],
  ) {}

  get entryCount(): number {
    return this.offsets.length - 1;
  }

  /**
   * Lists `directoryPath` (`rootPrefix` is it with a trailing separator, for
   * building entry paths). `selfIno` and `parentIno` are the inodes of `.` and `..`.
   */
  static read(directoryPath: string, rootPrefix: string, selfIno: bigint, parentIno: bigint): DirectoryListing {
    const found = readdirSync(directoryPath, { withFileTypes: true, encoding: "buffer" }) as Dirent<Buffer>[];
    const names: Buffer[] = [dot, dotDot];
    const inodes: bigint[] = [selfIno, parentIno];
    const types: Filetype[] = [filetype.directory, filetype.directory];
    const prefix = Buffer.from(rootPrefix);
    let total = 2 * headerSize + dot.length + dotDot.length;
    for (const entry of found) {
      const name = entry.name;
      const stats = lstatSync(Buffer.concat([prefix, name]), { bigint: true, throwIfNoEntry: false });
      names.push(name);
      inodes.push(stats?.ino ?? 0n);
      types.push(filetypeOf(stats ?? entry));
      total += headerSize + name.length;
    }
    const bytes = new Uint8Array(total);
    const view = new DataView(bytes.buffer);
    const offsets = new Array<number>(names.length + 1);
    const header: WasiDirent = { d_next: 0n, d_ino: 0n, d_namlen: 0, d_type: filetype.unknown };
    let at = 0;
    for (let i = 0; i < names.length; i++) {
      offsets[i] = at;
      header.d_next = BigInt(i + 1);
      header.d_ino = inodes[i];
      header.d_namlen = names[i].length;
      header.d_type = types[i];
      direntCodec.write(view, at, header);
      bytes.set(names[i], at + headerSize);
      at += headerSize + names[i].length;
    }
    offsets[names.length] = at;
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
