// Reads and writes of host fds through the addon (native/beneath.c `read` and
// `write`, src/impl/node/io.ts) and through node:fs, which the host uses
// without the addon: the addon's own answers for bad arguments, then the
// same guest-visible results in both modes for files, FIFOs opened by path,
// and stdout on pipes (full, non-blocking, closed at the other end).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { errno, fdflags, filetype } from "../src/generated/preview1/types.js";
import { DirectoryListing, listingSlots } from "../src/impl/node/directory-listing.js";
import { nativeBeneath, slotCount, slotIno, slotNotAscii, slotParent, tooSmall, undecided } from "../src/impl/node/native-beneath.js";
import { Harness, OFLAGS, perTestDirectory, parseDirents } from "./support/node-host-harness.js";

const linux = process.platform === "linux" && fs.existsSync("/proc/self/fd");
const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_NONBLOCK } = fs.constants;
const EBADF = 9;
const EISDIR = 21;
const ESPIPE = 29;
const EPIPE = 32;
const EAGAIN = 11;

const scratch = perTestDirectory("native-io-");
const { open } = scratch;

/** A FIFO in the test's directory (Node has no mkfifo; coreutils' is on every Linux this suite runs on). */
function fifo(): string {
  const file = path.join(scratch.dir, "fifo");
  execFileSync("mkfifo", [file]);
  return file;
}

describe.runIf(linux)("the addon's read and write", () => {
  const addon = () => {
    const native = nativeBeneath();
    if (native === null) throw new Error("the addon is not built");
    return native;
  };

  it("pread and pwrite at a position, read and write at the OS offset (-1)", () => {
    const native = addon();
    const fd = open(path.join(scratch.dir, "f"), O_RDWR | O_CREAT);
    const bytes = new TextEncoder().encode("hello, world");
    expect(native.write(fd, bytes, 0, 5, -1)).toBe(5);
    expect(native.write(fd, bytes, 5, 7, -1)).toBe(7);
    expect(native.write(fd, bytes, 0, 5, 20)).toBe(5);
    expect(fs.readFileSync(path.join(scratch.dir, "f"), "latin1")).toBe(`hello, world${"\0".repeat(8)}hello`);
    const into = new Uint8Array(32);
    expect(native.read(fd, into, 2, 5, 7)).toBe(5);
    expect(new TextDecoder().decode(into.subarray(2, 7))).toBe("world");
    // The OS offset is at 12 after the two writes at -1.
    expect(native.read(fd, into, 0, 32, -1)).toBe(13);
    expect(native.read(fd, into, 0, 32, -1)).toBe(0);
    expect(native.read(fd, into, 0, 0, 0)).toBe(0);
  });

  it("answers a negated errno for a bad fd, a directory and a FIFO's position", () => {
    const native = addon();
    const bytes = new Uint8Array(8);
    const closed = fs.openSync(path.join(scratch.dir, "g"), O_RDWR | O_CREAT);
    fs.closeSync(closed);
    expect(native.read(closed, bytes, 0, 8, 0)).toBe(-EBADF);
    expect(native.write(closed, bytes, 0, 8, -1)).toBe(-EBADF);
    expect(native.read(-1, bytes, 0, 8, -1)).toBe(-EBADF);
    expect(native.read(open(scratch.dir, O_RDONLY), bytes, 0, 8, -1)).toBe(-EISDIR);
    const file = fifo();
    const reader = open(file, O_RDONLY | O_NONBLOCK);
    const writer = open(file, O_WRONLY | O_NONBLOCK);
    expect(native.write(writer, bytes, 0, 8, 0)).toBe(-ESPIPE);
    expect(native.read(reader, bytes, 0, 8, -1)).toBe(-EAGAIN);
    scratch.closeNow(reader);
    expect(native.write(writer, bytes, 0, 8, -1)).toBe(-EPIPE);
  });

  it("leaves anything but a range inside a Uint8Array to node:fs (undecided)", () => {
    const native = addon();
    const fd = open(path.join(scratch.dir, "h"), O_RDWR | O_CREAT);
    const bytes = new Uint8Array(new ArrayBuffer(16), 4, 8);
    for (const [offset, length] of [
      [0, 9],
      [8, 1],
      [9, 0],
      [-1, 1],
      [0, -1],
      [2 ** 53, 1],
    ]) {
      expect(native.write(fd, bytes, offset, length, 0)).toBe(undecided);
      expect(native.read(fd, bytes, offset, length, 0)).toBe(undecided);
    }
    for (const other of [new Uint16Array(8), new DataView(new ArrayBuffer(8)), [1, 2], "text", null]) {
      expect(native.write(fd, other as unknown as Uint8Array, 0, 1, 0)).toBe(undecided);
    }
    expect(native.write(fd, bytes, 0, 8, 0)).toBe(8);
    expect(fs.statSync(path.join(scratch.dir, "h")).size).toBe(8);
  });

  it("writes from and reads into views of wasm memory, also after it grew and the old view was detached", () => {
    const native = addon();
    const fd = open(path.join(scratch.dir, "m"), O_RDWR | O_CREAT);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    const view = new Uint8Array(memory.buffer, 100, 4);
    view.set([1, 2, 3, 4]);
    expect(native.write(fd, view, 0, 4, 0)).toBe(4);
    const plain = new WebAssembly.Memory({ initial: 1 });
    const old = new Uint8Array(plain.buffer, 0, 4);
    plain.grow(1);
    expect(old.length).toBe(0);
    expect(native.read(fd, old, 0, 4, 0)).toBe(undecided);
    expect(native.read(fd, new Uint8Array(plain.buffer), 65536, 4, 0)).toBe(4);
    expect([...new Uint8Array(plain.buffer, 65536, 4)]).toEqual([1, 2, 3, 4]);
  });
});

const modes = [
  { name: "addon", nativeResolution: true },
  { name: "node:fs", nativeResolution: false },
].filter((mode) => linux || !mode.nativeResolution);

describe.each(modes)("guest reads and writes ($name)", ({ nativeResolution }) => {
  function harness(options: ConstructorParameters<typeof Harness>[0] = {}): Harness {
    const h = new Harness({ preopens: [["/sandbox", scratch.dir]], nativeResolution, ...options });
    return scratch.keep(h);
  }

  it("write, pwrite, read and pread on a file keep the position", () => {
    const h = harness();
    const [error, fd] = h.open(3, "f", { oflags: OFLAGS.creat });
    expect(error).toBe(errno.success);
    expect(h.write(fd, "abc", "def")).toEqual([errno.success, 6]);
    expect(h.write(fd, "ghi")).toEqual([errno.success, 3]);
    expect(h.pwrite(fd, 1n, "B")).toEqual([errno.success, 1]);
    expect(h.tell(fd)).toEqual([errno.success, 9n]);
    expect(h.pread(fd, 0n, 4)).toEqual([errno.success, "aBcd"]);
    expect(h.seek(fd, 2n, 0)[0]).toBe(errno.success);
    expect(h.read(fd, 3)).toEqual([errno.success, "cde"]);
    expect(h.read(fd, 10)).toEqual([errno.success, "fghi"]);
    expect(h.read(fd, 10)).toEqual([errno.success, ""]);
  });

  it.runIf(linux)("a FIFO opened by path is found out to be a stream by its first read or write", () => {
    const file = fifo();
    const keepOpen = open(file, O_RDWR | O_NONBLOCK);
    const h = harness();
    const [, writer] = h.open(3, "fifo", { oflags: 0 });
    expect(h.write(writer, "through")).toEqual([errno.success, 7]);
    const [, reader] = h.open(3, "fifo", { oflags: 0 });
    expect(h.read(reader, 7)).toEqual([errno.success, "through"]);
    expect(h.pwrite(writer, 0n, "x")[0]).toBe(errno.spipe);
    expect(keepOpen).toBeGreaterThan(2);
  });

  it.runIf(linux)("stdout on a pipe whose reader is gone: pipe, and the host goes on", () => {
    const file = fifo();
    const reader = open(file, O_RDONLY | O_NONBLOCK);
    const writer = open(file, O_WRONLY | O_NONBLOCK);
    const h = harness({ stdout: writer });
    expect(h.write(1, "seen")).toEqual([errno.success, 4]);
    scratch.closeNow(reader);
    expect(h.write(1, "lost")[0]).toBe(errno.pipe);
    expect(h.write(1, "lost", "twice")[0]).toBe(errno.pipe);
  });

  it.runIf(linux)("stdout on a full non-blocking pipe: again with the guest's nonblock flag, after a short count", () => {
    const file = fifo();
    open(file, O_RDONLY | O_NONBLOCK);
    const writer = open(file, O_WRONLY | O_NONBLOCK);
    const h = harness({ stdout: writer });
    h.imports.fd_fdstat_set_flags(1, fdflags.nonblock);
    const [error, written] = h.write(1, new Uint8Array(1 << 20));
    expect(error).toBe(errno.success);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(1 << 20);
    expect(h.write(1, "more")[0]).toBe(errno.again);
  });

  it("stdout given as a host fd that is not open is refused at start with badf", () => {
    const closed = fs.openSync(path.join(scratch.dir, "gone"), O_WRONLY | O_CREAT);
    fs.closeSync(closed);
    expect(() => harness({ stdout: closed })).toThrow(/EBADF/);
  });
});

describe.runIf(linux)("directory listings read by the addon (getdents64) and by readdirSync", () => {
  /** fd_readdir of the preopen's `sub` from cookie 0 with a buffer of `size`, as raw bytes. */
  function listing(nativeResolution: boolean, size: number): Uint8Array {
    const h = new Harness({ preopens: [["/sandbox", scratch.dir]], nativeResolution });
    scratch.keep(h);
    const [error, fd] = h.open(3, "sub", { oflags: OFLAGS.directory });
    expect(error).toBe(errno.success);
    const [status, used, bytes] = h.readdirRaw(fd, size);
    expect(status).toBe(errno.success);
    expect(used).toBeLessThan(size);
    return bytes.slice(0, used);
  }

  /** `sub` in the scratch folder: files by these names, a directory `d`, a symlink `l`, a FIFO `p`, files by these bytes. */
  function mixedDirectory(names: string[], nameBytes: number[][]): string {
    const sub = path.join(scratch.dir, "sub");
    fs.mkdirSync(sub);
    for (const name of names) fs.writeFileSync(path.join(sub, name), name);
    fs.mkdirSync(path.join(sub, "d"));
    fs.symlinkSync("a", path.join(sub, "l"));
    execFileSync("mkfifo", [path.join(sub, "p")]);
    for (const bytes of nameBytes) fs.writeFileSync(Buffer.concat([Buffer.from(`${sub}/`), Buffer.from(bytes)]), "x");
    return sub;
  }

  it("agree: order, inodes, types, names that are not ASCII or not UTF-8", () => {
    // Names that are not UTF-8: a lone continuation byte, a truncated sequence, an overlong slash.
    mixedDirectory(
      ["b", "a", "B", "_", "zz", "ünïcødé", "日本語", "😀"],
      [
        [0x61, 0x80],
        [0xe6, 0x97],
        [0xc0, 0xaf],
      ],
    );
    const native = parseDirents(listing(true, 8192)).whole;
    const javascript = parseDirents(listing(false, 8192)).whole;
    // readdirSync's lossy name of an entry that is not UTF-8 cannot be lstat'ed, so
    // without the addon its d_ino is 0; the addon has the inode from the directory.
    const lossy = (entry: { name: string }) => entry.name.includes("\uFFFD");
    expect(native.filter(lossy)).toHaveLength(3);
    for (const entry of native.filter(lossy)) expect(entry.d_ino).toBeGreaterThan(0n);
    for (const entry of javascript.filter(lossy)) expect(entry.d_ino).toBe(0n);
    expect(native.map((entry) => (lossy(entry) ? { ...entry, d_ino: 0n } : entry))).toEqual(javascript);
    expect(native.map((entry) => entry.name).slice(0, 3)).toEqual([".", "..", "B"]);
    expect(native.map((entry) => entry.name)).toContain("a\uFFFD");
    expect(native.find((entry) => entry.name === "p")!.d_type).toBe(filetype.unknown);
    expect(native.find((entry) => entry.name === "l")!.d_type).toBe(filetype.symbolic_link);
  });

  it("the addon's listing is the JavaScript writer's byte for byte (same directory, same inodes)", () => {
    const native = nativeBeneath()!;
    const sub = mixedDirectory(
      ["b", "a", "ünïcødé", "😀"],
      [
        [0x61, 0x80],
        [0xe6, 0x97],
      ],
    );
    const fd = open(sub, O_RDONLY);
    const selfIno = fs.statSync(sub, { bigint: true }).ino;
    // Beyond 2^53: the u32 words the addon reads are exact where a double would not be.
    const parentIno = 2n ** 60n + 3n;
    const slots = listingSlots();
    const values = new BigUint64Array(slots.buffer, 0, slotNotAscii / 2);
    values[slotIno / 2] = selfIno;
    values[slotParent / 2] = parentIno;
    // The names readdirSync decodes lossily cannot be lstat'ed by those names: their inodes by the bytes on disk.
    const inodes = new Map(
      fs
        .readdirSync(sub, { encoding: "buffer" })
        .map((raw) => [raw.toString(), fs.lstatSync(Buffer.concat([Buffer.from(`${sub}/`), raw]), { bigint: true }).ino]),
    );
    const byAddon = bytesOf(DirectoryListing.fromAddon(native, fd, slots)!);
    const byJavaScript = bytesOf(DirectoryListing.read(sub, selfIno, parentIno, (name) => inodes.get(name)!));
    expect(Buffer.from(byAddon).equals(Buffer.from(byJavaScript))).toBe(true);
    expect(parseDirents(byAddon).whole[1].d_ino).toBe(parentIno);
    expect(parseDirents(byAddon).whole.map((entry) => entry.name)).toEqual([
      ".",
      "..",
      "a",
      "a\uFFFD",
      "b",
      "d",
      "l",
      "p",
      "ünïcødé",
      "\uFFFD",
      "😀",
    ]);
  });

  it("lists from the start whatever the fd's offset; an fd that cannot be read (O_PATH) is EBADF", () => {
    const native = nativeBeneath()!;
    const slots = listingSlots();
    for (const name of ["x", "y", "z"]) fs.writeFileSync(path.join(scratch.dir, name), "");
    const listed = (fd: number) => {
      const out = Buffer.alloc(4096);
      const length = native.list(fd, out, slots);
      expect(length).toBeGreaterThan(0);
      return out.subarray(0, length).toString("latin1");
    };
    const fd = open(scratch.dir, O_RDONLY);
    const first = listed(fd);
    expect(listed(fd)).toBe(first);
    const oPath = 0o10000000;
    // The host's directory fds are all opened for reading.
    expect(native.list(open(scratch.dir, O_RDONLY | oPath), Buffer.alloc(4096), slots)).toBe(-EBADF);
    expect(native.list(open(path.join(scratch.dir, "x"), O_RDONLY), Buffer.alloc(4096), slots)).toBe(-20);
    // Too small: the size needed in the first four bytes.
    const small = Buffer.alloc(16);
    expect(native.list(fd, small, slots)).toBe(tooSmall);
    expect(small.readUInt32LE(0)).toBe(first.length);
    // Not a local file system, or slots without a layout: left to readdirSync.
    expect(native.list(open("/proc/self", O_RDONLY), Buffer.alloc(4096), slots)).toBe(undecided);
    expect(native.list(fd, Buffer.alloc(4096), new Uint32Array(slotCount))).toBe(undecided);
    expect(native.list(fd, Buffer.alloc(4096), new Float64Array(slotCount) as unknown as Uint32Array)).toBe(undecided);
  });

  it("agree for a directory whose entries do not fit the addon's first buffer (64 KiB)", () => {
    const sub = path.join(scratch.dir, "sub");
    fs.mkdirSync(sub);
    // 600 names of 200 bytes: about 127 kB of records.
    for (let i = 0; i < 600; i++) fs.writeFileSync(path.join(sub, `${String(i).padStart(4, "0")}${"n".repeat(196)}`), "");
    const native = listing(true, 1 << 18);
    expect(parseDirents(native).whole).toHaveLength(602);
    expect(Buffer.from(native).equals(Buffer.from(listing(false, 1 << 18)))).toBe(true);
  });
});

/** The whole of a listing, as fd_readdir from cookie 0 with room for everything hands it out. */
function bytesOf(listing: DirectoryListing): Uint8Array {
  const bytes = new Uint8Array(listing.byteLength);
  expect(listing.copyFrom(0n, bytes)).toBe(bytes.length);
  return bytes;
}

describe.each(modes)("a listing of a directory removed while open ($name)", ({ nativeResolution }) => {
  it("has only . and .., with .. at the inode of the directory it was in", () => {
    fs.mkdirSync(path.join(scratch.dir, "gone"));
    const h = new Harness({ preopens: [["/sandbox", scratch.dir]], nativeResolution });
    scratch.keep(h);
    const [error, fd] = h.open(3, "gone", { oflags: OFLAGS.directory });
    expect(error).toBe(errno.success);
    const self = fs.statSync(path.join(scratch.dir, "gone"), { bigint: true }).ino;
    fs.rmdirSync(path.join(scratch.dir, "gone"));
    expect(h.readdirAll(fd).map((entry) => [entry.name, entry.d_ino])).toEqual([
      [".", self],
      ["..", fs.statSync(scratch.dir, { bigint: true }).ino],
    ]);
  });
});
