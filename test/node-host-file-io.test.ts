// File I/O through the generated glue on a real temporary directory: reads and
// writes (single and vectored, positional), seek/tell, append mode, sizes,
// allocation, times, sync, advice, and the errno of each refusal.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errno, fdflags, fstflags, rights, whence } from "../src/generated/preview1/types.js";
import { Harness, OFLAGS, makeTempDir } from "./support/node-host-harness.js";

let dir: string;
let cleanup: () => void;
let h: Harness;

beforeEach(() => {
  [dir, cleanup] = makeTempDir("node-host-io-");
  h = new Harness({ preopens: [["/sandbox", dir]] });
});
afterEach(() => {
  h.close();
  cleanup();
});

function create(name: string, options: { fdflags?: number; base?: bigint } = {}): number {
  const [error, fd] = h.open(3, name, { oflags: OFLAGS.creat | OFLAGS.trunc, ...options });
  expect(error).toBe(errno.success);
  return fd;
}

describe("fd_write and fd_read", () => {
  it("write one iovec, then read it back after seeking to the start", () => {
    const fd = create("a.txt");
    expect(h.write(fd, "hello world")).toEqual([errno.success, 11]);
    expect(h.seek(fd, 0n, whence.set)).toEqual([errno.success, 0n]);
    expect(h.read(fd, 64)).toEqual([errno.success, "hello world"]);
    expect(fs.readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello world");
  });

  it("write several iovecs in order and read them back scattered over several buffers", () => {
    const fd = create("v.txt");
    expect(h.write(fd, "abc", "", "defg", "h")).toEqual([errno.success, 8]);
    h.seek(fd, 0n, whence.set);
    expect(h.read(fd, 2, 0, 3, 10)).toEqual([errno.success, "abcdefgh"]);
  });

  it("read 0 bytes at the end of the file", () => {
    const fd = create("e.txt");
    h.write(fd, "xy");
    expect(h.read(fd, 16)).toEqual([errno.success, ""]);
  });

  it("advance the position by what was read", () => {
    fs.writeFileSync(path.join(dir, "p.txt"), "0123456789");
    const [, fd] = h.open(3, "p.txt", { base: rights.fd_read | rights.fd_tell });
    h.read(fd, 4);
    expect(h.tell(fd)).toEqual([errno.success, 4n]);
    expect(h.read(fd, 3)).toEqual([errno.success, "456"]);
  });

  it("accept an empty iovec list as a transfer of 0 bytes", () => {
    const fd = create("z.txt");
    const out = h.alloc(4, 4);
    expect(h.imports.fd_write(fd, h.alloc(8), 0, out)).toBe(errno.success);
    expect(h.u32(out)).toBe(0);
    expect(h.imports.fd_read(fd, h.alloc(8), 0, out)).toBe(errno.success);
  });

  it("refuse more iovecs than the limit with inval", () => {
    const limited = new Harness({ preopens: [["/sandbox", dir]], limits: { maxIovecs: 4 } });
    try {
      const [, fd] = limited.open(3, "l.txt", { oflags: OFLAGS.creat });
      expect(limited.write(fd, "a", "b", "c", "d")).toEqual([errno.success, 4]);
      expect(limited.write(fd, "a", "b", "c", "d", "e")[0]).toBe(errno.inval);
      expect(limited.read(fd, 1, 1, 1, 1, 1)[0]).toBe(errno.inval);
    } finally {
      limited.close();
    }
  });

  it("write from guest memory backed by a SharedArrayBuffer", () => {
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    const harness = new Harness({ preopens: [["/sandbox", dir]] });
    try {
      harness.guest.attach(shared);
      // The harness helpers write through harness.memory; use the shared one directly here.
      const bytes = new Uint8Array(shared.buffer);
      bytes.set(new TextEncoder().encode("s.txt"), 100);
      new DataView(shared.buffer).setUint32(200, 300, true);
      new DataView(shared.buffer).setUint32(204, 5, true);
      bytes.set(new TextEncoder().encode("HELLO"), 300);
      expect(harness.imports.path_open(3, 0, 100, 5, OFLAGS.creat, rights.fd_write, 0n, 0, 400)).toBe(errno.success);
      const fd = new DataView(shared.buffer).getUint32(400, true);
      expect(harness.imports.fd_write(fd, 200, 1, 404)).toBe(errno.success);
      expect(fs.readFileSync(path.join(dir, "s.txt"), "utf8")).toBe("HELLO");
    } finally {
      harness.close();
    }
  });
});

describe("fd_pread and fd_pwrite", () => {
  it("work at an offset without moving the position", () => {
    const fd = create("o.txt");
    h.write(fd, "abcdef");
    expect(h.pwrite(fd, 2n, "XY", "Z")).toEqual([errno.success, 3]);
    expect(h.tell(fd)).toEqual([errno.success, 6n]);
    expect(h.pread(fd, 1n, 2, 10)).toEqual([errno.success, "bXYZf"]);
    expect(h.tell(fd)).toEqual([errno.success, 6n]);
  });

  it("pwrite past the end leaves a hole of zeros", () => {
    const fd = create("hole.txt");
    h.pwrite(fd, 4n, "!");
    expect(fs.readFileSync(path.join(dir, "hole.txt"))).toEqual(Buffer.from([0, 0, 0, 0, 0x21]));
  });

  it("pread far past the end reads nothing; offsets beyond 2^63 - 1 are inval", () => {
    const fd = create("far.txt");
    expect(h.pread(fd, 1n << 60n, 4)).toEqual([errno.success, ""]);
    expect(h.pread(fd, 1n << 63n, 4)[0]).toBe(errno.inval);
    expect(h.pwrite(fd, 1n << 63n, "x")[0]).toBe(errno.inval);
    expect(h.pwrite(fd, 1n << 60n, "x")[0]).toBe(errno.fbig);
  });

  it("pwrite stays at its offset on an append-mode descriptor", () => {
    const fd = create("ap.txt", { fdflags: fdflags.append });
    h.write(fd, "0123");
    expect(h.pwrite(fd, 0n, "A")).toEqual([errno.success, 1]);
    expect(fs.readFileSync(path.join(dir, "ap.txt"), "utf8")).toBe("A123");
  });

  it("need fd_seek as well as fd_read / fd_write", () => {
    const [, fd] = h.open(3, "pr.txt", { oflags: OFLAGS.creat, base: rights.fd_read | rights.fd_write });
    expect(h.pread(fd, 0n, 1)[0]).toBe(errno.notcapable);
    expect(h.pwrite(fd, 0n, "x")[0]).toBe(errno.notcapable);
  });
});

describe("fd_seek and fd_tell", () => {
  it("seek from the start, the position and the end", () => {
    const fd = create("s.txt");
    h.write(fd, "0123456789");
    expect(h.seek(fd, 3n, whence.set)).toEqual([errno.success, 3n]);
    expect(h.seek(fd, 2n, whence.cur)).toEqual([errno.success, 5n]);
    expect(h.seek(fd, -1n, whence.cur)).toEqual([errno.success, 4n]);
    expect(h.read(fd, 1)).toEqual([errno.success, "4"]);
    expect(h.seek(fd, -3n, whence.end)).toEqual([errno.success, 7n]);
    expect(h.read(fd, 1)).toEqual([errno.success, "7"]);
  });

  it("refuse a negative result with inval and keep the position", () => {
    const fd = create("n.txt");
    h.write(fd, "abc");
    expect(h.seek(fd, -4n, whence.end)[0]).toBe(errno.inval);
    expect(h.tell(fd)).toEqual([errno.success, 3n]);
  });

  it("refuse an unknown whence with inval", () => {
    const fd = create("w.txt");
    const out = h.alloc(8, 8);
    expect(h.imports.fd_seek(fd, 0n, 3, out)).toBe(errno.inval);
  });

  it("write after seeking past the end fills the gap with zeros", () => {
    const fd = create("gap.txt");
    h.write(fd, "ab");
    h.seek(fd, 2n, whence.end);
    h.write(fd, "!");
    expect(fs.readFileSync(path.join(dir, "gap.txt"))).toEqual(Buffer.from([0x61, 0x62, 0, 0, 0x21]));
  });

  it("need fd_seek, except that reading the position needs only fd_tell", () => {
    const [, fd] = h.open(3, "t.txt", { oflags: OFLAGS.creat, base: rights.fd_tell });
    expect(h.seek(fd, 0n, whence.cur)).toEqual([errno.success, 0n]);
    expect(h.seek(fd, 1n, whence.set)[0]).toBe(errno.notcapable);
    const [, other] = h.open(3, "t.txt", { base: rights.fd_read });
    expect(h.tell(other)[0]).toBe(errno.notcapable);
    expect(h.seek(other, 0n, whence.cur)[0]).toBe(errno.notcapable);
  });
});

describe("append mode", () => {
  it("writes at the end whatever the position, which then follows the data", () => {
    fs.writeFileSync(path.join(dir, "log.txt"), "first\n");
    const [, fd] = h.open(3, "log.txt", { fdflags: fdflags.append });
    h.seek(fd, 0n, whence.set);
    expect(h.write(fd, "second\n")).toEqual([errno.success, 7]);
    expect(h.tell(fd)).toEqual([errno.success, 13n]);
    expect(fs.readFileSync(path.join(dir, "log.txt"), "utf8")).toBe("first\nsecond\n");
  });

  it("can be switched on and off with fd_fdstat_set_flags", () => {
    const fd = create("toggle.txt");
    h.write(fd, "abc");
    h.seek(fd, 0n, whence.set);
    expect(h.imports.fd_fdstat_set_flags(fd, fdflags.append)).toBe(errno.success);
    h.write(fd, "D");
    expect(h.imports.fd_fdstat_set_flags(fd, 0)).toBe(errno.success);
    h.seek(fd, 0n, whence.set);
    h.write(fd, "X");
    expect(fs.readFileSync(path.join(dir, "toggle.txt"), "utf8")).toBe("XbcD");
  });
});

describe("read-only and write-only descriptors", () => {
  it("a file opened for reading has no write rights, so writes are notcapable and the file is unchanged", () => {
    fs.writeFileSync(path.join(dir, "ro.txt"), "keep");
    const [, fd] = h.open(3, "ro.txt", { base: rights.fd_read | rights.fd_seek });
    expect(h.write(fd, "x")[0]).toBe(errno.notcapable);
    expect(h.imports.fd_filestat_set_size(fd, 0n)).toBe(errno.notcapable);
    expect(fs.readFileSync(path.join(dir, "ro.txt"), "utf8")).toBe("keep");
  });

  it("a file opened for writing only cannot be read", () => {
    const [, fd] = h.open(3, "wo.txt", { oflags: OFLAGS.creat, base: rights.fd_write });
    expect(h.read(fd, 4)[0]).toBe(errno.notcapable);
  });
});

describe("sizes and allocation", () => {
  it("fd_filestat_set_size shrinks and grows with zeros", () => {
    const fd = create("t.txt");
    h.write(fd, "abcdefgh");
    expect(h.imports.fd_filestat_set_size(fd, 4n)).toBe(errno.success);
    expect(h.imports.fd_filestat_set_size(fd, 6n)).toBe(errno.success);
    expect(fs.readFileSync(path.join(dir, "t.txt"))).toEqual(Buffer.from("abcd\0\0"));
    expect(h.imports.fd_filestat_set_size(fd, 1n << 63n)).toBe(errno.inval);
  });

  it("fd_allocate extends a shorter file and leaves a longer one alone", () => {
    const fd = create("al.txt");
    expect(h.imports.fd_allocate(fd, 0n, 100n)).toBe(errno.success);
    expect(fs.statSync(path.join(dir, "al.txt")).size).toBe(100);
    expect(h.imports.fd_allocate(fd, 10n, 20n)).toBe(errno.success);
    expect(fs.statSync(path.join(dir, "al.txt")).size).toBe(100);
    expect(h.imports.fd_allocate(fd, 90n, 20n)).toBe(errno.success);
    expect(fs.statSync(path.join(dir, "al.txt")).size).toBe(110);
  });

  it("fd_allocate refuses a zero length (inval) and a range past 2^63 - 1 (fbig)", () => {
    const fd = create("al2.txt");
    expect(h.imports.fd_allocate(fd, 0n, 0n)).toBe(errno.inval);
    expect(h.imports.fd_allocate(fd, (1n << 63n) - 2n, 8n)).toBe(errno.fbig);
  });
});

describe("fd_filestat_get and fd_filestat_set_times", () => {
  it("report what the host reports", () => {
    const fd = create("st.txt");
    h.write(fd, "12345");
    const host = fs.statSync(path.join(dir, "st.txt"), { bigint: true });
    const [error, stat] = h.filestat(fd);
    expect(error).toBe(errno.success);
    expect(stat).toMatchObject({ dev: host.dev, ino: host.ino, filetype: 4, nlink: 1n, size: 5n });
    expect(stat!.mtim).toBe(host.mtimeNs);
  });

  it("set both times to given values, keeping sub-second precision", () => {
    const fd = create("times.txt");
    const flags = fstflags.atim | fstflags.mtim;
    expect(h.imports.fd_filestat_set_times(fd, 1_000_500_000_000n, 2_000_250_000_000n, flags)).toBe(errno.success);
    const stat = fs.statSync(path.join(dir, "times.txt"), { bigint: true });
    expect(stat.atimeNs).toBe(1_000_500_000_000n);
    expect(stat.mtimeNs).toBe(2_000_250_000_000n);
  });

  it("keep the time that is not named, and set the other to now", () => {
    const fd = create("now.txt");
    h.imports.fd_filestat_set_times(fd, 1_000_000_000_000n, 2_000_000_000_000n, fstflags.atim | fstflags.mtim);
    const before = BigInt(Date.now() - 5000) * 1_000_000n;
    expect(h.imports.fd_filestat_set_times(fd, 0n, 0n, fstflags.atim_now)).toBe(errno.success);
    const stat = fs.statSync(path.join(dir, "now.txt"), { bigint: true });
    expect(stat.atimeNs > before).toBe(true);
    expect(stat.mtimeNs).toBe(2_000_000_000_000n);
  });

  it("refuse a time together with its _now form", () => {
    const fd = create("bad.txt");
    expect(h.imports.fd_filestat_set_times(fd, 0n, 0n, fstflags.atim | fstflags.atim_now)).toBe(errno.inval);
    expect(h.imports.fd_filestat_set_times(fd, 0n, 0n, fstflags.mtim | fstflags.mtim_now)).toBe(errno.inval);
  });

  it("refuse unknown flag bits in the glue", () => {
    const fd = create("bits.txt");
    expect(h.imports.fd_filestat_set_times(fd, 0n, 0n, 0x10)).toBe(errno.inval);
  });
});

describe("fd_sync, fd_datasync and fd_advise", () => {
  it("succeed on a file", () => {
    const fd = create("sync.txt");
    expect(h.imports.fd_sync(fd)).toBe(errno.success);
    expect(h.imports.fd_datasync(fd)).toBe(errno.success);
    expect(h.imports.fd_advise(fd, 0n, 100n, 1)).toBe(errno.success);
  });

  it("advice is checked: an unknown one is inval", () => {
    const fd = create("adv.txt");
    expect(h.imports.fd_advise(fd, 0n, 0n, 6)).toBe(errno.inval);
  });

  it("give badf for a closed descriptor", () => {
    const fd = create("closed.txt");
    h.imports.fd_close(fd);
    expect(h.imports.fd_sync(fd)).toBe(errno.badf);
    expect(h.write(fd, "x")[0]).toBe(errno.badf);
    expect(h.read(fd, 1)[0]).toBe(errno.badf);
    expect(h.seek(fd, 0n, whence.set)[0]).toBe(errno.badf);
  });
});

describe("directories as data", () => {
  it("a directory has no data rights: read, write and seek are notcapable", () => {
    fs.mkdirSync(path.join(dir, "d"));
    const [, fd] = h.open(3, "d", { oflags: OFLAGS.directory, base: rights.fd_read | rights.fd_readdir });
    expect(h.read(fd, 4)[0]).toBe(errno.notcapable);
    expect(h.write(fd, "x")[0]).toBe(errno.notcapable);
    expect(h.seek(fd, 0n, whence.set)[0]).toBe(errno.notcapable);
  });
});
