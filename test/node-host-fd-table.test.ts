// The descriptor table through the generated glue: numbering, fd_close,
// fd_renumber, fdstat and its flags and rights, prestat, stdio entries, the
// open-file limit, and the Node host's close().
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errno, fdflags, filetype, preopentype, rights } from "../src/generated/preview1/types.js";
import { createNodeHost } from "../src/impl/node/index.js";
import { Harness, OFLAGS, makeTempDir } from "./support/node-host-harness.js";

let dir: string;
let other: string;
let cleanup: () => void;
let cleanupOther: () => void;
let stdoutPath: string;
let stdoutFd: number;
let h: Harness;

beforeEach(() => {
  [dir, cleanup] = makeTempDir("node-host-fds-");
  [other, cleanupOther] = makeTempDir("node-host-fds-other-");
  fs.writeFileSync(path.join(dir, "a.txt"), "A");
  fs.writeFileSync(path.join(dir, "b.txt"), "B");
  stdoutPath = path.join(other, "stdout");
  stdoutFd = fs.openSync(stdoutPath, "w");
  h = new Harness({
    preopens: [
      ["/sandbox", dir],
      ["/other", other],
    ],
    stdout: stdoutFd,
  });
});
afterEach(() => {
  h.close();
  fs.closeSync(stdoutFd);
  cleanup();
  cleanupOther();
});

function openRead(name: string): number {
  const [error, fd] = h.open(3, name, { base: rights.fd_read | rights.fd_seek | rights.fd_write });
  expect(error).toBe(errno.success);
  return fd;
}

describe("numbering", () => {
  it("puts preopens at 3, 4 and gives new descriptors the lowest free number", () => {
    expect(openRead("a.txt")).toBe(5);
    expect(openRead("b.txt")).toBe(6);
    expect(h.imports.fd_close(5)).toBe(errno.success);
    expect(openRead("b.txt")).toBe(5);
    expect(openRead("b.txt")).toBe(7);
  });

  it("reuses a preopen's number once it is closed", () => {
    expect(h.imports.fd_close(3)).toBe(errno.success);
    const [error, fd] = h.open(4, "stdout", { base: rights.fd_read });
    expect([error, fd]).toEqual([errno.success, 3]);
  });
});

describe("fd_close", () => {
  it("closes once; again or an unknown number is badf", () => {
    const fd = openRead("a.txt");
    expect(h.imports.fd_close(fd)).toBe(errno.success);
    expect(h.imports.fd_close(fd)).toBe(errno.badf);
    expect(h.imports.fd_close(1000)).toBe(errno.badf);
    expect(h.imports.fd_close(0xffffffff)).toBe(errno.badf);
  });

  it("may close a preopen, after which paths through it are badf", () => {
    expect(h.imports.fd_close(3)).toBe(errno.success);
    expect(h.prestat(3)[0]).toBe(errno.badf);
    expect(h.open(3, "a.txt")[0]).toBe(errno.badf);
  });

  it("closing stdout leaves the host's fd open", () => {
    expect(h.imports.fd_close(1)).toBe(errno.success);
    expect(h.write(1, "x")[0]).toBe(errno.badf);
    expect(() => fs.fstatSync(stdoutFd)).not.toThrow();
  });
});

describe("fd_renumber", () => {
  it("moves a descriptor onto another, closing that one", () => {
    const a = openRead("a.txt");
    const b = openRead("b.txt");
    expect(h.imports.fd_renumber(a, b)).toBe(errno.success);
    expect(h.fdstat(a)[0]).toBe(errno.badf);
    expect(h.read(b, 8)).toEqual([errno.success, "A"]);
    expect(openRead("a.txt")).toBe(a);
  });

  it("onto itself is a no-op, and either end being closed is badf", () => {
    const a = openRead("a.txt");
    expect(h.imports.fd_renumber(a, a)).toBe(errno.success);
    expect(h.read(a, 8)).toEqual([errno.success, "A"]);
    expect(h.imports.fd_renumber(a, 50)).toBe(errno.badf);
    expect(h.imports.fd_renumber(50, a)).toBe(errno.badf);
    expect(h.fdstat(a)[0]).toBe(errno.success);
  });

  it("can put a file on stdout, leaving the host's stdout fd open", () => {
    const [, file] = h.open(4, "captured.txt", { oflags: OFLAGS.creat, base: rights.fd_write });
    expect(h.imports.fd_renumber(file, 1)).toBe(errno.success);
    expect(h.write(1, "to the file")[0]).toBe(errno.success);
    expect(fs.readFileSync(path.join(other, "captured.txt"), "utf8")).toBe("to the file");
    expect(fs.readFileSync(stdoutPath, "utf8")).toBe("");
    expect(() => fs.fstatSync(stdoutFd)).not.toThrow();
  });

  it("can park stdout on another number and write through it there", () => {
    const [, spare] = h.open(4, "spare.txt", { oflags: OFLAGS.creat, base: rights.fd_write });
    expect(h.imports.fd_renumber(1, spare)).toBe(errno.success);
    expect(h.write(1, "x")[0]).toBe(errno.badf);
    h.write(spare, "parked");
    expect(fs.readFileSync(stdoutPath, "utf8")).toBe("parked");
  });
});

describe("fd_fdstat_get", () => {
  it("describes a file: type, flags and rights within a file's", () => {
    const [, fd] = h.open(3, "a.txt", { base: rights.fd_read | rights.fd_write | rights.path_open, fdflags: fdflags.append });
    const [error, stat] = h.fdstat(fd);
    expect(error).toBe(errno.success);
    expect(stat).toEqual({
      fs_filetype: filetype.regular_file,
      fs_flags: fdflags.append,
      fs_rights_base: rights.fd_read | rights.fd_write,
      fs_rights_inheriting: 0n,
    });
  });

  it("describes a preopen as a directory that can hand out file rights", () => {
    const [, stat] = h.fdstat(3);
    expect(stat!.fs_filetype).toBe(filetype.directory);
    expect(stat!.fs_rights_base & rights.path_open).toBe(rights.path_open);
    expect(stat!.fs_rights_base & rights.fd_read).toBe(0n);
    expect(stat!.fs_rights_inheriting & rights.fd_write).toBe(rights.fd_write);
  });

  it("describes stdout redirected to a file as a regular file without seeking", () => {
    const [, stat] = h.fdstat(1);
    expect(stat!.fs_filetype).toBe(filetype.regular_file);
    expect(stat!.fs_rights_base & rights.fd_write).toBe(rights.fd_write);
    expect(stat!.fs_rights_base & (rights.fd_seek | rights.fd_tell)).toBe(0n);
  });
});

describe("fd_fdstat_set_flags", () => {
  it("tracks append and nonblock", () => {
    const [, fd] = h.open(3, "a.txt", { base: rights.fd_write | rights.fd_fdstat_set_flags });
    expect(h.imports.fd_fdstat_set_flags(fd, fdflags.append | fdflags.nonblock)).toBe(errno.success);
    expect(h.fdstat(fd)[1]!.fs_flags).toBe(fdflags.append | fdflags.nonblock);
    expect(h.imports.fd_fdstat_set_flags(fd, 0)).toBe(errno.success);
    expect(h.fdstat(fd)[1]!.fs_flags).toBe(0);
  });

  it("cannot change the sync flags of an open file: notsup", () => {
    const [, fd] = h.open(3, "a.txt", { base: rights.fd_write | rights.fd_fdstat_set_flags });
    expect(h.imports.fd_fdstat_set_flags(fd, fdflags.sync)).toBe(errno.notsup);
    const [, synced] = h.open(3, "a.txt", { base: rights.fd_write | rights.fd_fdstat_set_flags, fdflags: fdflags.dsync });
    expect(h.imports.fd_fdstat_set_flags(synced, fdflags.dsync | fdflags.append)).toBe(errno.success);
    expect(h.imports.fd_fdstat_set_flags(synced, 0)).toBe(errno.notsup);
  });

  it("needs fd_fdstat_set_flags, and refuses unknown bits", () => {
    const [, fd] = h.open(3, "a.txt", { base: rights.fd_read });
    expect(h.imports.fd_fdstat_set_flags(fd, fdflags.append)).toBe(errno.notcapable);
    expect(h.imports.fd_fdstat_set_flags(fd, 0x20)).toBe(errno.inval);
    expect(h.imports.fd_fdstat_set_flags(77, 0)).toBe(errno.badf);
  });
});

describe("fd_fdstat_set_rights", () => {
  it("drops rights, which then refuse the calls they guarded", () => {
    const fd = openRead("a.txt");
    expect(h.imports.fd_fdstat_set_rights(fd, rights.fd_read, 0n)).toBe(errno.success);
    expect(h.fdstat(fd)[1]!.fs_rights_base).toBe(rights.fd_read);
    expect(h.write(fd, "x")[0]).toBe(errno.notcapable);
    expect(h.read(fd, 1)).toEqual([errno.success, "A"]);
  });

  it("never adds a right back: notcapable, and nothing changes", () => {
    const fd = openRead("a.txt");
    h.imports.fd_fdstat_set_rights(fd, rights.fd_read, 0n);
    expect(h.imports.fd_fdstat_set_rights(fd, rights.fd_read | rights.fd_write, 0n)).toBe(errno.notcapable);
    expect(h.fdstat(fd)[1]!.fs_rights_base).toBe(rights.fd_read);
    const [, stat] = h.fdstat(3);
    expect(h.imports.fd_fdstat_set_rights(3, stat!.fs_rights_base, 0n)).toBe(errno.success);
    expect(h.imports.fd_fdstat_set_rights(3, stat!.fs_rights_base, rights.fd_read)).toBe(errno.notcapable);
  });

  it("refuses bits outside the rights type in the glue", () => {
    expect(h.imports.fd_fdstat_set_rights(3, 1n << 40n, 0n)).toBe(errno.inval);
  });
});

describe("fd_prestat_get and fd_prestat_dir_name", () => {
  it("describe each preopen by its guest name", () => {
    expect(h.prestat(3)).toEqual([errno.success, { tag: preopentype.dir, value: { pr_name_len: 8 } }]);
    const buf = h.alloc(16, 1);
    expect(h.imports.fd_prestat_dir_name(3, buf, 8)).toBe(errno.success);
    expect(h.text(buf, 8)).toBe("/sandbox");
    expect(h.imports.fd_prestat_dir_name(4, buf, 16)).toBe(errno.success);
    // Six bytes copied, no NUL added: the rest of the buffer still holds "/sandbox"'s tail.
    expect(h.text(buf, 8)).toBe("/otherox");
  });

  it("refuse a buffer shorter than the name, and descriptors that are not preopens", () => {
    const buf = h.alloc(16, 1);
    expect(h.imports.fd_prestat_dir_name(3, buf, 7)).toBe(errno.nametoolong);
    expect(h.prestat(0)[0]).toBe(errno.badf);
    expect(h.prestat(5)[0]).toBe(errno.badf);
    const fd = openRead("a.txt");
    expect(h.prestat(fd)[0]).toBe(errno.badf);
    expect(h.imports.fd_prestat_dir_name(fd, buf, 16)).toBe(errno.badf);
  });

  it("follow a preopen moved by fd_renumber", () => {
    const fd = openRead("a.txt");
    expect(h.imports.fd_renumber(3, fd)).toBe(errno.success);
    expect(h.prestat(fd)[1]!.value.pr_name_len).toBe(8);
    expect(h.prestat(3)[0]).toBe(errno.badf);
  });
});

describe("construction and close()", () => {
  it("refuses a missing preopen, a file as preopen and a closed stdio fd as node:wasi does", () => {
    const base = {
      args: [],
      env: [],
      stdin: 0,
      stdout: 1,
      stderr: 2,
      onExit: () => {
        throw new Error("exit");
      },
    };
    expect(() => createNodeHost({ ...base, preopens: [["/x", path.join(dir, "missing")]] })).toThrow(/^UVWASI_ENOENT, uvwasi_init$/);
    expect(() => createNodeHost({ ...base, preopens: [["/x", path.join(dir, "a.txt")]] })).toThrow(/^UVWASI_ENOTDIR, uvwasi_init$/);
    expect(() => createNodeHost({ ...base, preopens: [], stdin: 987 })).toThrow(/^UVWASI_EBADF, uvwasi_init$/);
  });

  it("close() closes the host fds the guest left open, not stdio, and is idempotent", () => {
    const fd = openRead("a.txt");
    expect(fd).toBe(5);
    const before = fs.readdirSync("/proc/self/fd").length;
    h.close();
    const after = fs.readdirSync("/proc/self/fd").length;
    // Two preopens and one file.
    expect(before - after).toBe(3);
    expect(() => fs.fstatSync(stdoutFd)).not.toThrow();
    h.close();
    expect(h.fdstat(3)[0]).toBe(errno.badf);
    expect(h.fdstat(1)[0]).toBe(errno.badf);
  });

  it("close() closes a file the guest moved onto stdout", () => {
    const [, file] = h.open(4, "moved.txt", { oflags: OFLAGS.creat, base: rights.fd_write });
    h.imports.fd_renumber(file, 1);
    const before = fs.readdirSync("/proc/self/fd").length;
    h.close();
    expect(before - fs.readdirSync("/proc/self/fd").length).toBe(3);
  });
});
