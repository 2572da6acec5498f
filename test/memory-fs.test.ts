/**
 * The in-memory file system, driven through the generated glue as a guest
 * drives it (test/support/node-host-harness.ts), so the fd table's rights
 * checks run too: every path operation and its errnos, file I/O, times from
 * the host's clock, fd_readdir cookies, read-only trees, embedder mounts, and
 * the `mounts` option's checks.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { clockid, errno, filetype, fstflags, rights, whence, type Clockid } from "../src/generated/preview1/types.js";
import type { ClockSource } from "../src/impl/context.js";
import { generatedDevice, MemoryDirectory, readOnlyFile } from "../src/impl/memory/index.js";
import { WASI } from "../src/wasi/wasi.js";
import { parseMounts } from "../src/wasi/wasi-mounts.js";
import { Harness, OFLAGS } from "./support/node-host-harness.js";

/** A realtime clock the test moves by hand. */
function manualClock(start: bigint): ClockSource & { set(ns: bigint): void } {
  let now = start;
  return {
    now: (id: Clockid) => (id === clockid.realtime ? now : 0n),
    resolution: () => 1n,
    set: (ns) => void (now = ns),
  };
}

const harnesses: Harness[] = [];
const scratch: string[] = [];
afterEach(() => {
  for (const harness of harnesses.splice(0)) harness.close();
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A host whose fd 3 is `directory` (a fresh tree by default) at /mem. */
function memoryHost(directory = new MemoryDirectory(), clock = manualClock(1_000_000_000_000n)) {
  const harness = new Harness({ descriptionPreopens: [["/mem", (context) => directory.preopen(context)]], clock, sleep: () => {} });
  harnesses.push(harness);
  return { h: harness, fd: 3, directory, clock };
}

function makeFile(h: Harness, dir: number, path: string, text: string): void {
  const [error, fd] = h.open(dir, path, { oflags: OFLAGS.creat | OFLAGS.trunc });
  expect(error).toBe(errno.success);
  expect(h.write(fd, text)).toEqual([errno.success, text.length]);
  expect(h.imports.fd_close(fd)).toBe(errno.success);
}

function readAll(h: Harness, dir: number, path: string): string {
  const [error, fd] = h.open(dir, path, { base: rights.fd_read | rights.fd_seek });
  expect(error).toBe(errno.success);
  const [readError, data] = h.read(fd, 4096);
  expect(readError).toBe(errno.success);
  h.imports.fd_close(fd);
  return data;
}

const mkdir = (h: Harness, fd: number, path: string) => h.pathCall(h.imports.path_create_directory, fd, path);
const rmdir = (h: Harness, fd: number, path: string) => h.pathCall(h.imports.path_remove_directory, fd, path);
const unlink = (h: Harness, fd: number, path: string) => h.pathCall(h.imports.path_unlink_file, fd, path);

function symlink(h: Harness, fd: number, target: string, path: string): number {
  const [t, tn] = h.put(target);
  const [p, pn] = h.put(path);
  return h.imports.path_symlink(t, tn, fd, p, pn);
}

function rename(h: Harness, fd: number, from: string, toFd: number, to: string): number {
  const [a, an] = h.put(from);
  const [b, bn] = h.put(to);
  return h.imports.path_rename(fd, a, an, toFd, b, bn);
}

function link(h: Harness, fd: number, from: string, toFd: number, to: string, follow = false): number {
  const [a, an] = h.put(from);
  const [b, bn] = h.put(to);
  return h.imports.path_link(fd, follow ? 1 : 0, a, an, toFd, b, bn);
}

function readlink(h: Harness, fd: number, path: string, size: number): [number, string] {
  const [p, n] = h.put(path);
  const buf = h.alloc(Math.max(size, 1), 1);
  const out = h.alloc(4, 4);
  const error = h.imports.path_readlink(fd, p, n, buf, size, out);
  return [error, error === 0 ? h.text(buf, h.u32(out)) : ""];
}

describe("confined resolution in a memory directory", () => {
  it("refuses empty, NUL-holding, absolute and escaping paths with the host resolver's errnos", () => {
    const { h, fd } = memoryHost();
    expect(h.pathFilestat(fd, "")[0]).toBe(errno.noent);
    expect(h.pathFilestat(fd, "a\0b")[0]).toBe(errno.inval);
    expect(h.pathFilestat(fd, "/etc")[0]).toBe(errno.notcapable);
    expect(h.pathFilestat(fd, "..")[0]).toBe(errno.notcapable);
    expect(mkdir(h, fd, "d")).toBe(errno.success);
    expect(h.pathFilestat(fd, "d/../..")[0]).toBe(errno.notcapable);
    expect(h.pathFilestat(fd, "d/..")[0]).toBe(errno.success);
  });

  it("makes a directory descriptor the root of its own paths", () => {
    const { h, fd } = memoryHost();
    mkdir(h, fd, "d");
    makeFile(h, fd, "top.txt", "x");
    const [error, sub] = h.open(fd, "d", { oflags: OFLAGS.directory });
    expect(error).toBe(errno.success);
    expect(h.pathFilestat(sub, "../top.txt")[0]).toBe(errno.notcapable);
    expect(h.pathFilestat(sub, ".")[1]?.filetype).toBe(filetype.directory);
  });

  it("answers nametoolong for a component over 255 bytes or a path over the limit", () => {
    const { h, fd } = memoryHost();
    expect(mkdir(h, fd, "a".repeat(255))).toBe(errno.success);
    expect(mkdir(h, fd, "a".repeat(256))).toBe(errno.nametoolong);
    expect(h.pathFilestat(fd, "a/".repeat(2100))[0]).toBe(errno.nametoolong);
  });

  it("follows relative symlinks component by component and refuses absolute or escaping ones", () => {
    const directory = new MemoryDirectory();
    const { h, fd } = memoryHost(directory);
    mkdir(h, fd, "d");
    makeFile(h, fd, "d/f.txt", "inside");
    expect(symlink(h, fd, "d", "dl")).toBe(errno.success);
    expect(readAll(h, fd, "dl/f.txt")).toBe("inside");
    // Links the guest may not make, planted by the embedder.
    directory.symlink("/d", "abs");
    expect(h.pathFilestat(fd, "abs/f.txt")[0]).toBe(errno.notcapable);
    expect(h.open(fd, "abs")[0]).toBe(errno.notcapable);
    directory.symlink("../outside", "esc");
    expect(h.pathFilestat(fd, "esc")[0]).toBe(errno.notcapable);
    expect(h.pathFilestat(fd, "esc", false)[1]?.filetype).toBe(filetype.symbolic_link);
  });

  it("refuses to make a link whose target is absolute or climbs above the descriptor's root", () => {
    const { h, fd } = memoryHost();
    mkdir(h, fd, "d");
    makeFile(h, fd, "f.txt", "top");
    expect(symlink(h, fd, "/d", "abs")).toBe(errno.notcapable);
    expect(symlink(h, fd, "/", "root")).toBe(errno.notcapable);
    expect(symlink(h, fd, "../outside", "esc")).toBe(errno.notcapable);
    expect(symlink(h, fd, "../../x", "d/esc")).toBe(errno.notcapable);
    expect(symlink(h, fd, "d/../../x", "esc2")).toBe(errno.notcapable);
    expect(h.pathFilestat(fd, "esc")[0]).toBe(errno.noent);
    expect(symlink(h, fd, "../f.txt", "d/back")).toBe(errno.success);
    expect(readAll(h, fd, "d/back")).toBe("top");
    const [opened, sub] = h.open(fd, "d", { oflags: OFLAGS.directory });
    expect(opened).toBe(errno.success);
    expect(symlink(h, sub, "../f.txt", "up")).toBe(errno.notcapable);
    expect(symlink(h, sub, "./x/../y", "down")).toBe(errno.success);
  });

  it("answers loop past the hop limit and follows a chain just under it", () => {
    const { h, fd } = memoryHost();
    makeFile(h, fd, "end", "reached");
    for (let i = 0; i < 41; i++) symlink(h, fd, i === 0 ? "end" : `l${i - 1}`, `l${i}`);
    expect(readAll(h, fd, "l39")).toBe("reached"); // 40 hops
    expect(h.open(fd, "l40")[0]).toBe(errno.loop); // 41 hops
    symlink(h, fd, "b", "a");
    symlink(h, fd, "a", "b");
    expect(h.pathFilestat(fd, "a")[0]).toBe(errno.loop);
  });

  it("answers notdir for a trailing slash on a file and for a file in the middle of a path", () => {
    const { h, fd } = memoryHost();
    makeFile(h, fd, "f", "x");
    expect(h.pathFilestat(fd, "f/")[0]).toBe(errno.notdir);
    expect(h.pathFilestat(fd, "f/x")[0]).toBe(errno.notdir);
    expect(h.open(fd, "f/")[0]).toBe(errno.notdir);
  });
});

describe("path_open on a memory directory", () => {
  it("creates, refuses creat|excl on an existing name and a missing name without creat", () => {
    const { h, fd } = memoryHost();
    expect(h.open(fd, "new", { oflags: OFLAGS.creat | OFLAGS.excl })[0]).toBe(errno.success);
    expect(h.open(fd, "new", { oflags: OFLAGS.creat | OFLAGS.excl })[0]).toBe(errno.exist);
    expect(h.open(fd, "missing")[0]).toBe(errno.noent);
    expect(h.open(fd, "missing/", { oflags: OFLAGS.creat })[0]).toBe(errno.isdir);
    expect(h.open(fd, "new/", { oflags: OFLAGS.creat })[0]).toBe(errno.isdir);
    expect(h.open(fd, "no/such/", { oflags: OFLAGS.creat })[0]).toBe(errno.noent);
    expect(h.open(fd, "new", { oflags: OFLAGS.creat | OFLAGS.directory })[0]).toBe(errno.inval);
    expect(h.open(fd, "other", { oflags: OFLAGS.creat | OFLAGS.directory })[0]).toBe(errno.inval);
  });

  it("refuses a directory opened for writing and a file opened as a directory", () => {
    const { h, fd } = memoryHost();
    mkdir(h, fd, "d");
    makeFile(h, fd, "f", "x");
    expect(h.open(fd, "d", { base: rights.fd_read | rights.fd_write })[0]).toBe(errno.isdir);
    // Writing rights other than fd_write are dropped on a directory, as on the host.
    expect(h.open(fd, "d", { base: rights.fd_allocate | rights.fd_datasync })[0]).toBe(errno.success);
    expect(h.open(fd, "d", { oflags: OFLAGS.directory, base: rights.fd_read | rights.fd_write })[0]).toBe(errno.success);
    expect(h.open(fd, "f", { oflags: OFLAGS.directory })[0]).toBe(errno.notdir);
    expect(h.open(fd, "d", { oflags: OFLAGS.creat })[0]).toBe(errno.isdir);
    expect(h.open(fd, "d", { oflags: OFLAGS.directory | OFLAGS.trunc })[0]).toBe(errno.isdir);
  });

  it("creates the target of a dangling link with creat, but not with creat|excl or without following", () => {
    const { h, fd, directory } = memoryHost();
    symlink(h, fd, "target", "dangling");
    expect(h.open(fd, "dangling")[0]).toBe(errno.noent);
    expect(h.open(fd, "dangling", { oflags: OFLAGS.creat | OFLAGS.excl })[0]).toBe(errno.exist);
    expect(h.open(fd, "dangling", { oflags: OFLAGS.creat, follow: false })[0]).toBe(errno.loop);
    expect(h.open(fd, "dangling", { oflags: OFLAGS.directory, follow: false })[0]).toBe(errno.notdir);
    expect(h.open(fd, "dangling", { oflags: OFLAGS.creat })[0]).toBe(errno.success);
    expect(directory.kindOf("target")).toBe("file");
  });

  it("truncates with trunc and reports filetypes and rights the fd table derives from them", () => {
    const { h, fd } = memoryHost();
    makeFile(h, fd, "f", "hello");
    const [, file] = h.open(fd, "f", { oflags: OFLAGS.trunc });
    expect(h.filestat(file)[1]?.size).toBe(0n);
    const [, stat] = h.fdstat(file);
    expect(stat?.fs_filetype).toBe(filetype.regular_file);
    expect((stat!.fs_rights_base & rights.fd_seek) !== 0n).toBe(true);
    expect(stat!.fs_rights_inheriting).toBe(0n);
    expect(h.fdstat(fd)[1]?.fs_filetype).toBe(filetype.directory);
    expect(h.prestat(fd)[1]?.value.pr_name_len).toBe(4);
  });
});

describe("file I/O on a memory file", () => {
  it("reads and writes at the position, positionally, vectored, and appends at the end", () => {
    const { h, fd } = memoryHost();
    const [, file] = h.open(fd, "f", { oflags: OFLAGS.creat });
    expect(h.write(file, "abc", "def")).toEqual([errno.success, 6]);
    expect(h.tell(file)).toEqual([errno.success, 6n]);
    expect(h.pwrite(file, 1n, "XY")).toEqual([errno.success, 2]);
    expect(h.tell(file)).toEqual([errno.success, 6n]);
    expect(h.pread(file, 0n, 2, 10)).toEqual([errno.success, "aXYdef"]);
    expect(h.read(file, 4)).toEqual([errno.success, ""]);
    expect(h.imports.fd_fdstat_set_flags(file, 1)).toBe(errno.success); // append
    expect(h.seek(file, 0n, whence.set)[0]).toBe(errno.success);
    expect(h.write(file, "!")).toEqual([errno.success, 1]);
    expect(h.tell(file)).toEqual([errno.success, 7n]);
    expect(h.pread(file, 0n, 16)[1]).toBe("aXYdef!");
  });

  it("seeks from every anchor, refuses a negative offset and leaves zeros when writing past the end", () => {
    const { h, fd } = memoryHost();
    const [, file] = h.open(fd, "f", { oflags: OFLAGS.creat });
    h.write(file, "0123456789");
    expect(h.seek(file, -3n, whence.end)).toEqual([errno.success, 7n]);
    expect(h.seek(file, 2n, whence.cur)).toEqual([errno.success, 9n]);
    expect(h.seek(file, -10n, whence.cur)[0]).toBe(errno.inval);
    expect(h.seek(file, 2n, whence.end)).toEqual([errno.success, 12n]);
    h.write(file, "!");
    expect(h.pread(file, 0n, 32)[1]).toBe("0123456789\0\0!");
  });

  it("sets the size, allocates, and refuses offsets past off_t", () => {
    const { h, fd } = memoryHost();
    const [, file] = h.open(fd, "f", { oflags: OFLAGS.creat });
    h.write(file, "abcdef");
    expect(h.imports.fd_filestat_set_size(file, 3n)).toBe(errno.success);
    expect(h.imports.fd_filestat_set_size(file, 5n)).toBe(errno.success);
    expect(h.pread(file, 0n, 8)[1]).toBe("abc\0\0");
    expect(h.imports.fd_allocate(file, 8n, 4n)).toBe(errno.success);
    expect(h.filestat(file)[1]?.size).toBe(12n);
    expect(h.imports.fd_allocate(file, 0n, 0n)).toBe(errno.inval);
    expect(h.pread(file, 1n << 63n, 4)[0]).toBe(errno.inval);
    expect(h.pwrite(file, 1n << 40n, "x")[0]).toBe(errno.fbig);
  });

  it("keeps an unlinked file readable through an open descriptor", () => {
    const { h, fd } = memoryHost();
    makeFile(h, fd, "f", "still here");
    const [, file] = h.open(fd, "f", { base: rights.fd_read | rights.fd_seek | rights.fd_filestat_get });
    expect(unlink(h, fd, "f")).toBe(errno.success);
    expect(h.pread(file, 0n, 32)[1]).toBe("still here");
    expect(h.filestat(file)[1]?.nlink).toBe(0n);
  });

  it("answers nospc past the tree's byte budget", () => {
    const { h, fd } = memoryHost(new MemoryDirectory({ maxBytes: 8 }));
    const [, file] = h.open(fd, "f", { oflags: OFLAGS.creat });
    expect(h.write(file, "12345678")).toEqual([errno.success, 8]);
    expect(h.write(file, "9")[0]).toBe(errno.nospc);
    expect(unlink(h, fd, "f")).toBe(errno.success);
    h.imports.fd_close(file);
    const [, again] = h.open(fd, "g", { oflags: OFLAGS.creat });
    expect(h.write(again, "abcdefgh")).toEqual([errno.success, 8]);
  });
});

describe("times and identities", () => {
  it("stamps changes with the host clock's realtime and sets times by flags", () => {
    const { h, fd, clock } = memoryHost();
    clock.set(5_000_000_123n);
    const [, file] = h.open(fd, "f", { oflags: OFLAGS.creat });
    expect(h.filestat(file)[1]).toMatchObject({ atim: 5_000_000_123n, mtim: 5_000_000_123n, ctim: 5_000_000_123n });
    clock.set(6_000_000_000n);
    h.write(file, "x");
    expect(h.filestat(file)[1]).toMatchObject({ atim: 5_000_000_123n, mtim: 6_000_000_000n });
    expect(h.imports.fd_filestat_set_times(file, 1n, 0n, fstflags.atim | fstflags.mtim_now)).toBe(errno.success);
    clock.set(7_000_000_000n);
    expect(h.imports.fd_filestat_set_times(file, 0n, 0n, 0)).toBe(errno.success);
    expect(h.filestat(file)[1]).toMatchObject({ atim: 1n, mtim: 6_000_000_000n });
    expect(h.imports.fd_filestat_set_times(file, 0n, 0n, fstflags.atim | fstflags.atim_now)).toBe(errno.inval);
  });

  it("sets a symlink's own times without following, the target's when following", () => {
    const { h, fd } = memoryHost();
    makeFile(h, fd, "f", "x");
    symlink(h, fd, "f", "l");
    const [p, n] = h.put("l");
    expect(h.imports.path_filestat_set_times(fd, 0, p, n, 0n, 42n, fstflags.mtim)).toBe(errno.success);
    expect(h.pathFilestat(fd, "l", false)[1]?.mtim).toBe(42n);
    expect(h.pathFilestat(fd, "f")[1]?.mtim).not.toBe(42n);
    expect(h.imports.path_filestat_set_times(fd, 1, p, n, 0n, 43n, fstflags.mtim)).toBe(errno.success);
    expect(h.pathFilestat(fd, "f")[1]?.mtim).toBe(43n);
  });

  it("gives every inode its own number on one device, and counts links", () => {
    const { h, fd } = memoryHost();
    mkdir(h, fd, "d");
    makeFile(h, fd, "f", "x");
    const dir = h.pathFilestat(fd, "d")[1]!;
    const file = h.pathFilestat(fd, "f")[1]!;
    const root = h.pathFilestat(fd, ".")[1]!;
    expect(new Set([dir.ino, file.ino, root.ino]).size).toBe(3);
    expect(dir.dev).toBe(file.dev);
    expect(root.nlink).toBe(3n);
    expect(link(h, fd, "f", fd, "g")).toBe(errno.success);
    expect(h.pathFilestat(fd, "g")[1]).toMatchObject({ ino: file.ino, nlink: 2n });
  });
});

describe("directory operations", () => {
  it("creates and removes directories with mkdir's and rmdir's errnos", () => {
    const { h, fd } = memoryHost();
    expect(mkdir(h, fd, "d")).toBe(errno.success);
    expect(mkdir(h, fd, "d")).toBe(errno.exist);
    expect(mkdir(h, fd, "no/d")).toBe(errno.noent);
    makeFile(h, fd, "f", "x");
    expect(mkdir(h, fd, "f")).toBe(errno.exist);
    makeFile(h, fd, "d/inner", "x");
    expect(rmdir(h, fd, "d")).toBe(errno.notempty);
    expect(rmdir(h, fd, "f")).toBe(errno.notdir);
    expect(rmdir(h, fd, "gone")).toBe(errno.noent);
    expect(rmdir(h, fd, "d/.")).toBe(errno.inval);
    unlink(h, fd, "d/inner");
    expect(rmdir(h, fd, "d")).toBe(errno.success);
  });

  it("lets nothing be created in a removed directory held open", () => {
    const { h, fd } = memoryHost();
    mkdir(h, fd, "d");
    const [, held] = h.open(fd, "d", { oflags: OFLAGS.directory });
    expect(rmdir(h, fd, "d")).toBe(errno.success);
    expect(h.open(held, "new", { oflags: OFLAGS.creat })[0]).toBe(errno.noent);
    expect(mkdir(h, held, "sub")).toBe(errno.noent);
    expect(h.filestat(held)[1]?.nlink).toBe(0n);
  });

  it("unlinks files and links but not directories", () => {
    const { h, fd } = memoryHost();
    mkdir(h, fd, "d");
    makeFile(h, fd, "f", "x");
    expect(unlink(h, fd, "d")).toBe(errno.isdir);
    expect(unlink(h, fd, "f/x")).toBe(errno.notdir);
    expect(unlink(h, fd, "missing")).toBe(errno.noent);
    symlink(h, fd, "d", "l");
    expect(unlink(h, fd, "l")).toBe(errno.success);
    expect(h.pathFilestat(fd, "d")[0]).toBe(errno.success);
  });

  it("renames by rename(2)'s rules", () => {
    const { h, fd, directory } = memoryHost();
    makeFile(h, fd, "a", "alpha");
    makeFile(h, fd, "b", "beta");
    mkdir(h, fd, "d");
    mkdir(h, fd, "e");
    makeFile(h, fd, "e/x", "x");
    expect(rename(h, fd, "a", fd, "b")).toBe(errno.success);
    expect(readAll(h, fd, "b")).toBe("alpha");
    expect(rename(h, fd, "b", fd, "d")).toBe(errno.isdir);
    expect(rename(h, fd, "d", fd, "b")).toBe(errno.notdir);
    expect(rename(h, fd, "d", fd, "e")).toBe(errno.notempty);
    expect(rename(h, fd, "e", fd, "e/sub")).toBe(errno.inval);
    expect(rename(h, fd, "missing", fd, "z")).toBe(errno.noent);
    expect(rename(h, fd, "b", fd, "b/")).toBe(errno.notdir);
    expect(rename(h, fd, "e", fd, "d")).toBe(errno.success);
    expect(directory.list()).toEqual(["b", "d"]);
    expect(directory.list("d")).toEqual(["x"]);
    expect(h.pathFilestat(fd, ".")[1]?.nlink).toBe(3n);
  });

  it("renames and links between two descriptors of one tree, and answers xdev for another tree or a host directory", () => {
    const shared = new MemoryDirectory();
    const other = new MemoryDirectory();
    const hostDir = mkdtempSync(join(tmpdir(), "memory-fs-"));
    scratch.push(hostDir);
    const h = new Harness({
      preopens: [["/host", hostDir]],
      descriptionPreopens: [
        ["/one", (context) => shared.preopen(context)],
        ["/two", (context) => shared.preopen(context)],
        ["/other", (context) => other.preopen(context)],
      ],
    });
    harnesses.push(h);
    const [hostFd, one, two, otherFd] = [3, 4, 5, 6];
    makeFile(h, one, "f", "moving");
    expect(rename(h, one, "f", two, "g")).toBe(errno.success);
    expect(shared.list()).toEqual(["g"]);
    expect(link(h, two, "g", one, "h")).toBe(errno.success);
    expect(rename(h, one, "g", otherFd, "g")).toBe(errno.xdev);
    expect(link(h, one, "g", otherFd, "g")).toBe(errno.xdev);
    expect(rename(h, one, "g", hostFd, "g")).toBe(errno.xdev);
    expect(rename(h, hostFd, "x", one, "x")).toBe(errno.xdev);
  });

  it("links files (not directories) and refuses an existing name", () => {
    const { h, fd } = memoryHost();
    mkdir(h, fd, "d");
    makeFile(h, fd, "f", "x");
    expect(link(h, fd, "d", fd, "d2")).toBe(errno.perm);
    expect(link(h, fd, "f", fd, "d")).toBe(errno.exist);
    expect(link(h, fd, "missing", fd, "m")).toBe(errno.noent);
    symlink(h, fd, "f", "l");
    expect(link(h, fd, "l", fd, "hard-of-link")).toBe(errno.success);
    expect(h.pathFilestat(fd, "hard-of-link", false)[1]?.filetype).toBe(filetype.symbolic_link);
    expect(link(h, fd, "l", fd, "hard-of-target", true)).toBe(errno.success);
    expect(h.pathFilestat(fd, "hard-of-target", false)[1]?.filetype).toBe(filetype.regular_file);
  });

  it("creates and reads symlinks, cutting the target at the buffer's end", () => {
    const { h, fd } = memoryHost();
    expect(symlink(h, fd, "target.txt", "l")).toBe(errno.success);
    expect(symlink(h, fd, "x", "l")).toBe(errno.exist);
    expect(symlink(h, fd, "a\0b", "m")).toBe(errno.inval);
    expect(symlink(h, fd, "x", "n/")).toBe(errno.noent);
    expect(symlink(h, fd, "", "n")).toBe(errno.noent);
    expect(readlink(h, fd, "l", 64)).toEqual([errno.success, "target.txt"]);
    expect(readlink(h, fd, "l", 3)).toEqual([errno.success, "tar"]);
    makeFile(h, fd, "f", "x");
    expect(readlink(h, fd, "f", 64)[0]).toBe(errno.inval);
    expect(readlink(h, fd, "none", 64)[0]).toBe(errno.noent);
    expect(h.pathFilestat(fd, "l", false)[1]?.size).toBe(10n);
  });
});

describe("fd_readdir on a memory directory", () => {
  it("lists . and .. first, then sorted names with their types and inode numbers", () => {
    const { h, fd } = memoryHost();
    makeFile(h, fd, "b.txt", "x");
    mkdir(h, fd, "a-dir");
    symlink(h, fd, "b.txt", "c.lnk");
    const entries = h.readdirAll(fd);
    expect(entries.map((entry) => [entry.name, entry.d_type])).toEqual([
      [".", filetype.directory],
      ["..", filetype.directory],
      ["a-dir", filetype.directory],
      ["b.txt", filetype.regular_file],
      ["c.lnk", filetype.symbolic_link],
    ]);
    const root = h.pathFilestat(fd, ".")[1]!.ino;
    expect(entries[0].d_ino).toBe(root);
    expect(entries[1].d_ino).toBe(root); // a preopen is its own parent
    expect(entries[3].d_ino).toBe(h.pathFilestat(fd, "b.txt")[1]!.ino);
    const [, sub] = h.open(fd, "a-dir", { oflags: OFLAGS.directory });
    expect(h.readdirAll(sub)[1].d_ino).toBe(root);
  });

  it("keeps cookies stable while the directory changes, and takes a new snapshot at cookie 0", () => {
    const { h, fd } = memoryHost();
    for (const name of ["a", "b", "c", "d"]) makeFile(h, fd, name, "x");
    const first = h.readdirAll(fd);
    const resumeAt = first[3].d_next; // after "b"
    unlink(h, fd, "a");
    makeFile(h, fd, "0", "x");
    const [, used, bytes] = h.readdirRaw(fd, 4096, resumeAt);
    expect(used).toBeGreaterThan(0);
    expect(new TextDecoder().decode(bytes)).toContain("c");
    expect(h.readdirAll(fd).map((entry) => entry.name)).toEqual([".", "..", "0", "b", "c", "d"]);
    expect(h.readdirRaw(fd, 4096, 99n)[1]).toBe(0);
    expect(h.readdirRaw(fd, 10)[1]).toBe(10);
  });
});

describe("read-only trees", () => {
  it("refuse every change with rofs and still read", () => {
    const directory = new MemoryDirectory({ readOnly: true });
    directory.mkdir("d");
    directory.writeFile("f", "fixed");
    const { h, fd } = memoryHost(directory);
    expect(readAll(h, fd, "f")).toBe("fixed");
    expect(h.open(fd, "f", { base: rights.fd_write })[0]).toBe(errno.rofs);
    expect(h.open(fd, "new", { oflags: OFLAGS.creat })[0]).toBe(errno.rofs);
    expect(mkdir(h, fd, "e")).toBe(errno.rofs);
    expect(rmdir(h, fd, "d")).toBe(errno.rofs);
    expect(unlink(h, fd, "f")).toBe(errno.rofs);
    expect(symlink(h, fd, "f", "l")).toBe(errno.rofs);
    expect(rename(h, fd, "f", fd, "g")).toBe(errno.rofs);
    expect(h.imports.fd_filestat_set_times(fd, 0n, 0n, fstflags.mtim_now)).toBe(errno.rofs);
  });
});

describe("the embedder's MemoryDirectory", () => {
  it("writes, reads, lists and reports kinds, and names the call and errno when it cannot", () => {
    const directory = new MemoryDirectory();
    directory.mkdir("/a/b");
    directory.writeFile("a/b/f.txt", "text");
    directory.symlink("b/f.txt", "a/l");
    expect(new TextDecoder().decode(directory.readFile("a/l"))).toBe("text");
    expect(directory.list("a")).toEqual(["b", "l"]);
    expect(directory.kindOf("a/l")).toBe("symlink");
    expect(directory.kindOf("nothing")).toBeNull();
    expect(() => directory.readFile("a/missing")).toThrow('MemoryDirectory.readFile("a/missing"): noent');
    expect(() => directory.writeFile("no/f", "x")).toThrow(/writeFile\("no\/f"\): noent/);
    expect(() => new MemoryDirectory({ maxBytes: -1 })).toThrow(RangeError);
  });

  it("sees what a guest wrote", () => {
    const { h, fd, directory } = memoryHost();
    makeFile(h, fd, "out.txt", "from the guest");
    expect(new TextDecoder().decode(directory.readFile("out.txt"))).toBe("from the guest");
  });
});

describe("mounted embedder files", () => {
  it("reads a read-only virtual file, seeks in it and refuses to open it for writing", () => {
    const directory = new MemoryDirectory();
    directory.mount("etc/motd", readOnlyFile("hello, guest\n"));
    const { h, fd } = memoryHost(directory);
    const [error, file] = h.open(fd, "etc/motd", { base: rights.fd_read | rights.fd_seek | rights.fd_filestat_get });
    expect(error).toBe(errno.success);
    expect(h.read(file, 5)).toEqual([errno.success, "hello"]);
    expect(h.seek(file, -6n, whence.end)).toEqual([errno.success, 7n]);
    expect(h.read(file, 64)).toEqual([errno.success, "guest\n"]);
    const stat = h.filestat(file)[1]!;
    expect(stat).toMatchObject({ filetype: filetype.regular_file, size: 13n, nlink: 1n });
    expect(h.pathFilestat(fd, "etc/motd")[1]?.ino).toBe(stat.ino);
    expect(h.open(fd, "etc/motd", { base: rights.fd_write })[0]).toBe(errno.rofs);
    expect(h.readdirAll(fd).map((entry) => entry.name)).toContain("etc");
  });

  it("reads a generated device as a character device without seek rights, each descriptor from the start", () => {
    const directory = new MemoryDirectory();
    const digits = generatedDevice((into, offset) => {
      for (let i = 0; i < into.length; i++) into[i] = 0x30 + Number((offset + BigInt(i)) % 10n);
    });
    directory.mount("counter", digits);
    const { h, fd } = memoryHost(directory);
    const reading = { base: rights.fd_read | rights.fd_seek | rights.fd_filestat_get };
    expect(h.open(fd, "counter")[0]).toBe(errno.rofs); // all rights asked for, fd_write among them
    const [, one] = h.open(fd, "counter", reading);
    expect(h.read(one, 4, 8)).toEqual([errno.success, "012345678901"]);
    expect(h.read(one, 3)).toEqual([errno.success, "234"]);
    const [, two] = h.open(fd, "counter", reading);
    expect(h.read(two, 3)).toEqual([errno.success, "012"]);
    const stat = h.fdstat(one)[1]!;
    expect(stat.fs_filetype).toBe(filetype.character_device);
    expect(stat.fs_rights_base & rights.fd_seek).toBe(0n);
    expect(h.seek(one, 0n, whence.set)[0]).toBe(errno.notcapable);
    expect(h.pathFilestat(fd, "counter")[1]?.filetype).toBe(filetype.character_device);
  });
});

describe("the mounts option", () => {
  const zero = generatedDevice((into) => into.fill(0));

  it("refuses a non-object, a relative or dotted path, a non-mount value and a duplicate, naming the mount", () => {
    expect(() => parseMounts([], [])).toThrow(/"options\.mounts" property must be of type object/);
    expect(() => parseMounts({ mem: new MemoryDirectory() }, [])).toThrow(/'options\.mounts\['mem'\]' must be an absolute guest path/);
    expect(() => parseMounts({ "/a/../b": new MemoryDirectory() }, [])).toThrow(/options\.mounts\['\/a\/\.\.\/b'\]/);
    expect(() => parseMounts({ "/x": "/tmp" }, [])).toThrow(
      /"options\.mounts\['\/x'\]" property must be an instance of MemoryDirectory or MountedFile/,
    );
    expect(() => parseMounts({ "/x": { filetype: 4 } }, [])).toThrow(TypeError);
    expect(() => parseMounts({ "/m": new MemoryDirectory(), "/m/": new MemoryDirectory() }, [])).toThrow(
      /'options\.mounts\['\/m\/'\]' names the same guest path as options\.mounts\['\/m'\]/,
    );
    expect(() => parseMounts({ "/": zero }, [])).toThrow(/cannot be mounted at the root/);
  });

  it("refuses a mount at or under a host preopen, and a directory mount inside another", () => {
    const host = [["/sandbox", "/tmp"]] as const;
    expect(() => parseMounts({ "/sandbox": new MemoryDirectory() }, host)).toThrow(
      /is the same guest path as options\.preopens\['\/sandbox'\]/,
    );
    expect(() => parseMounts({ "/sandbox/dev/zero": zero }, host)).toThrow(
      /is inside options\.preopens\['\/sandbox'\] and would shadow it/,
    );
    expect(() => parseMounts({ "/m": new MemoryDirectory(), "/m/n": new MemoryDirectory() }, [])).toThrow(
      /'options\.mounts\['\/m\/n'\]' is inside options\.mounts\['\/m'\]/,
    );
    expect(parseMounts({ "/": new MemoryDirectory() }, host)?.preopens).toHaveLength(1);
  });

  it("gives file mounts a shared read-only parent, or places them in a directory mount", () => {
    const mem = new MemoryDirectory();
    const preopens = parseMounts({ "/mem": mem, "/mem/dev/null": zero, "/dev/zero": zero, "/dev/full": zero }, [])?.preopens;
    expect(preopens?.map(([path]) => path)).toEqual(["/mem", "/dev"]);
    expect(mem.kindOf("dev/null")).toBe("mount");
    const taken = new MemoryDirectory();
    taken.writeFile("f", "x");
    expect(() => parseMounts({ "/t": taken, "/t/f": zero }, [])).toThrow(
      /options\.mounts\['\/t\/f'\]' cannot be placed: MemoryDirectory\.mount\("f"\): exist/,
    );
  });

  it("places a hand-made file in a directory mount or beside a ready-made one, and names the mount it needs otherwise", () => {
    const handMade = { filetype: zero.filetype, size: () => 0n, open: zero.open };
    const mem = new MemoryDirectory({ readOnly: true });
    expect(parseMounts({ "/dev": mem, "/dev/mine": handMade }, [])?.preopens.map(([path]) => path)).toEqual(["/dev"]);
    expect(mem.kindOf("mine")).toBe("mount");
    expect(parseMounts({ "/dev/mine": handMade, "/etc/motd": readOnlyFile("hi") }, [])?.preopens.map(([path]) => path)).toEqual([
      "/dev",
      "/etc",
    ]);
    expect(() => parseMounts({ "/dev/mine": handMade }, [])).toThrow(
      /'options\.mounts\['\/dev\/mine'\]' needs a directory to hold it: mount new MemoryDirectory\(\{ readOnly: true \}\) at '\/dev'/,
    );
  });

  it("puts mounts after the host preopens in the WASI class, and checks them after node:wasi's options", () => {
    expect(() => new WASI({ version: "preview1", args: 5 as never, mounts: 5 as never })).toThrow(/options\.args/);
    expect(() => new WASI({ version: "preview1", mounts: { rel: new MemoryDirectory() } })).toThrow(/options\.mounts\['rel'\]/);
    const hostDir = mkdtempSync(join(tmpdir(), "memory-fs-"));
    scratch.push(hostDir);
    const wasi = new WASI({
      version: "preview1",
      preopens: { "/sandbox": hostDir },
      mounts: { "/mem": new MemoryDirectory(), "/dev/zero": zero },
    });
    const memory = new WebAssembly.Memory({ initial: 1 });
    const imports = wasi.wasiImport as unknown as Record<string, (...args: number[]) => number>;
    wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
    const names = [3, 4, 5].map((fd) => {
      expect(imports.fd_prestat_get(fd, 0)).toBe(errno.success);
      const length = new DataView(memory.buffer).getUint32(4, true);
      expect(imports.fd_prestat_dir_name(fd, 16, length)).toBe(errno.success);
      return new TextDecoder().decode(new Uint8Array(memory.buffer, 16, length));
    });
    expect(names).toEqual(["/sandbox", "/mem", "/dev"]);
    expect(imports.fd_prestat_get(6, 0)).toBe(errno.badf);
    wasi.close();
  });
});
