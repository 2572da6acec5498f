/**
 * fd_readdir for a memory directory: one snapshot, serialized once, in which
 * entry i has cookie i (its d_next is i + 1), so reading from a cookie is a
 * copy from that entry's offset, cut at the end of the guest's buffer. A
 * snapshot is taken when a description first lists the directory and again
 * whenever the guest rewinds to cookie 0, so cookies stay stable while the
 * directory changes. `.` and `..` come first; the rest are sorted by their
 * UTF-8 bytes, as the host listing is (libuv sorts scandir results). Unlike
 * the host listing, every entry carries its real inode number.
 */
import { direntCodec, type Dirent } from "../../generated/preview1/types.js";
import * as filetype from "../../generated/preview1/filetype.js";
import type { DirectoryNode } from "./nodes.js";

const headerSize = direntCodec.size;
const encoder = new TextEncoder();

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export class MemoryListing {
  private constructor(
    private readonly bytes: Uint8Array,
    /** offsets[i] is where entry i starts; the last element is the total length. */
    private readonly offsets: number[],
  ) {}

  static of(directory: DirectoryNode, parentIno: bigint): MemoryListing {
    const named = [...directory.entries].map(([name, node]) => ({ name: encoder.encode(name), node }));
    named.sort((a, b) => compareBytes(a.name, b.name));
    const rows: { name: Uint8Array; ino: bigint; type: Dirent["d_type"] }[] = [
      { name: encoder.encode("."), ino: directory.ino, type: filetype.directory },
      { name: encoder.encode(".."), ino: parentIno, type: filetype.directory },
      ...named.map(({ name, node }) => ({ name, ino: node.ino, type: node.filetype })),
    ];
    const total = rows.reduce((sum, row) => sum + headerSize + row.name.length, 0);
    // Zeroed, so the padding after d_type never carries stale bytes.
    const bytes = new Uint8Array(total);
    const view = new DataView(bytes.buffer);
    const offsets: number[] = [];
    const header: Dirent = { d_next: 0n, d_ino: 0n, d_namlen: 0, d_type: filetype.unknown };
    let at = 0;
    rows.forEach((row, index) => {
      offsets.push(at);
      header.d_next = BigInt(index + 1);
      header.d_ino = row.ino;
      header.d_namlen = row.name.length;
      header.d_type = row.type;
      direntCodec.write(view, at, header);
      bytes.set(row.name, at + headerSize);
      at += headerSize + row.name.length;
    });
    offsets.push(at);
    return new MemoryListing(bytes, offsets);
  }

  /** Copies the entries from `cookie` on into `into`, as many bytes as fit; returns the bytes copied. */
  copyFrom(cookie: bigint, into: Uint8Array): number {
    if (cookie >= BigInt(this.offsets.length - 1)) return 0;
    const start = this.offsets[Number(cookie)];
    const length = Math.min(into.length, this.bytes.length - start);
    into.set(this.bytes.subarray(start, start + length));
    return length;
  }
}
