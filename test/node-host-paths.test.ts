// path_* calls through the generated glue, in both ways a directory
// descriptor can be rooted (/proc/self/fd on Linux, and host paths): opening
// with every oflag, the errno POSIX gives for each misuse, symlinks, times,
// and the sandbox boundary.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errno, fdflags, filetype, fstflags, rights, whence } from "../src/generated/preview1/types.js";
import { Harness, OFLAGS, makeTempDir, rootModes } from "./support/node-host-harness.js";

for (const mode of rootModes) {
  describe(`paths with ${mode.name}`, () => {
    let dir: string;
    let outside: string;
    let cleanup: () => void;
    let cleanupOutside: () => void;
    let h: Harness;
    const at = (...parts: string[]) => path.join(dir, ...parts);
    const call = (fn: (fd: number, p: number, n: number) => number, p: string, fd = 3) => h.pathCall(fn, fd, p);
    const mkdir = (p: string, fd = 3) => call(h.imports.path_create_directory, p, fd);
    const rmdir = (p: string, fd = 3) => call(h.imports.path_remove_directory, p, fd);
    const unlink = (p: string, fd = 3) => call(h.imports.path_unlink_file, p, fd);
    function rename(from: string, to: string, fromFd = 3, toFd = 3): number {
      const [a, an] = h.put(from);
      const [b, bn] = h.put(to);
      return h.imports.path_rename(fromFd, a, an, toFd, b, bn);
    }
    function link(from: string, to: string, follow = false): number {
      const [a, an] = h.put(from);
      const [b, bn] = h.put(to);
      return h.imports.path_link(3, follow ? 1 : 0, a, an, 3, b, bn);
    }
    function symlink(target: string, where: string, fd = 3): number {
      const [a, an] = h.put(target);
      const [b, bn] = h.put(where);
      return h.imports.path_symlink(a, an, fd, b, bn);
    }
    function readlink(p: string, size: number): [number, string] {
      const [a, an] = h.put(p);
      const buf = h.alloc(Math.max(size, 1), 1);
      const out = h.alloc(4, 4);
      const error = h.imports.path_readlink(3, a, an, buf, size, out);
      return [error, error === 0 ? h.text(buf, h.u32(out)) : ""];
    }
    function setTimes(p: string, follow: boolean, atim: bigint, mtim: bigint, flags: number): number {
      const [a, an] = h.put(p);
      return h.imports.path_filestat_set_times(3, follow ? 1 : 0, a, an, atim, mtim, flags);
    }

    beforeEach(() => {
      [dir, cleanup] = makeTempDir("node-host-paths-");
      [outside, cleanupOutside] = makeTempDir("node-host-outside-");
      fs.writeFileSync(path.join(outside, "secret.txt"), "secret");
      fs.writeFileSync(at("file.txt"), "file-content");
      fs.mkdirSync(at("sub"));
      fs.writeFileSync(at("sub", "inner.txt"), "inner");
      h = new Harness({ preopens: [["/sandbox", dir]], procFdRoots: mode.procFdRoots, nativeResolution: mode.nativeResolution });
    });
    afterEach(() => {
      h.close();
      cleanup();
      cleanupOutside();
    });

    describe("path_open", () => {
      it("opens an existing file and reads it", () => {
        const [error, fd] = h.open(3, "file.txt", { base: rights.fd_read });
        expect(error).toBe(errno.success);
        expect(h.read(fd, 64)).toEqual([errno.success, "file-content"]);
      });

      it("creates with creat, refuses an existing file with creat|excl, truncates with trunc", () => {
        expect(h.open(3, "new.txt", { oflags: OFLAGS.creat })[0]).toBe(errno.success);
        expect(fs.existsSync(at("new.txt"))).toBe(true);
        expect(h.open(3, "new.txt", { oflags: OFLAGS.creat | OFLAGS.excl })[0]).toBe(errno.exist);
        expect(h.open(3, "file.txt", { oflags: OFLAGS.trunc, base: rights.fd_read })[0]).toBe(errno.success);
        expect(fs.statSync(at("file.txt")).size).toBe(0);
      });

      it("gives noent for a missing file without creat", () => {
        expect(h.open(3, "missing.txt")[0]).toBe(errno.noent);
      });

      it("gives notdir for directory on a file, and for a path through a file", () => {
        expect(h.open(3, "file.txt", { oflags: OFLAGS.directory })[0]).toBe(errno.notdir);
        expect(h.open(3, "file.txt/x")[0]).toBe(errno.notdir);
        expect(h.open(3, "file.txt/")[0]).toBe(errno.notdir);
      });

      it("gives isdir for a directory opened with fd_write, or with trunc or creat", () => {
        expect(h.open(3, "sub", { base: rights.fd_write })[0]).toBe(errno.isdir);
        expect(h.open(3, "sub", { base: rights.fd_allocate, oflags: OFLAGS.trunc })[0]).toBe(errno.isdir);
        expect(h.open(3, "sub", { base: rights.fd_allocate, oflags: OFLAGS.creat })[0]).toBe(errno.isdir);
      });

      it("opens a directory asked for with other writing rights (file-only, or fd_datasync) without them", () => {
        const asked = rights.fd_allocate | rights.fd_filestat_set_size | rights.fd_datasync | rights.fd_seek | rights.fd_readdir;
        const [error, sub] = h.open(3, "sub", { base: asked });
        expect(error).toBe(errno.success);
        const [, stat] = h.fdstat(sub);
        expect(stat!.fs_filetype).toBe(filetype.directory);
        expect(stat!.fs_rights_base).toBe(rights.fd_datasync | rights.fd_readdir);
        const [, preopen] = h.fdstat(3);
        expect(h.open(3, ".", { base: preopen!.fs_rights_base, inheriting: preopen!.fs_rights_inheriting })[0]).toBe(errno.success);
      });

      it("opens a directory, whose descriptor then resolves paths below it", () => {
        const [error, sub] = h.open(3, "sub", { oflags: OFLAGS.directory });
        expect(error).toBe(errno.success);
        expect(h.fdstat(sub)[1]!.fs_filetype).toBe(filetype.directory);
        const [, inner] = h.open(sub, "inner.txt", { base: rights.fd_read });
        expect(h.read(inner, 16)).toEqual([errno.success, "inner"]);
      });

      it("gives notdir when the descriptor is a file", () => {
        const [, fd] = h.open(3, "file.txt");
        expect(h.open(fd, "x")[0]).toBe(errno.notdir);
        expect(mkdir("x", fd)).toBe(errno.notdir);
      });

      it("gives badf for an unknown descriptor and inval for a NUL in the path", () => {
        expect(h.open(99, "file.txt")[0]).toBe(errno.badf);
        expect(h.open(3, "file\0.txt")[0]).toBe(errno.inval);
      });

      it("refuses fd_read or fd_write the directory may not hand out, and leaves the file alone", () => {
        const [, stat] = h.fdstat(3);
        expect(h.imports.fd_fdstat_set_rights(3, stat!.fs_rights_base, stat!.fs_rights_inheriting & ~rights.fd_write)).toBe(errno.success);
        expect(h.open(3, "file.txt", { base: rights.fd_read | rights.fd_write })).toEqual([errno.notcapable, -1]);
        expect(h.open(3, "file.txt", { base: rights.fd_write, oflags: OFLAGS.trunc })[0]).toBe(errno.notcapable);
        expect(fs.readFileSync(at("file.txt"), "utf8")).toBe("file-content");
        const [, read] = h.fdstat(3);
        expect(h.imports.fd_fdstat_set_rights(3, read!.fs_rights_base, read!.fs_rights_inheriting & ~rights.fd_read)).toBe(errno.success);
        expect(h.open(3, "file.txt", { base: rights.fd_read })[0]).toBe(errno.notcapable);
      });

      it("drops any other right the directory may not hand out, without failing", () => {
        const [, stat] = h.fdstat(3);
        expect(h.imports.fd_fdstat_set_rights(3, stat!.fs_rights_base, stat!.fs_rights_inheriting & ~rights.fd_seek)).toBe(errno.success);
        const [error, fd] = h.open(3, "file.txt", { base: rights.fd_read | rights.fd_seek | rights.fd_tell });
        expect(error).toBe(errno.success);
        const granted = h.fdstat(fd)[1]!.fs_rights_base;
        expect(granted & rights.fd_seek).toBe(0n);
        expect(granted & (rights.fd_read | rights.fd_tell)).toBe(rights.fd_read | rights.fd_tell);
        expect(h.seek(fd, 0n, whence.set)[0]).toBe(errno.notcapable);
      });

      it("never grants a file the rights of a directory", () => {
        const [, fd] = h.open(3, "file.txt");
        const granted = h.fdstat(fd)[1]!.fs_rights_base;
        expect(granted & (rights.path_open | rights.fd_readdir)).toBe(0n);
      });

      it("needs path_open, path_create_file for creat and path_filestat_set_size for trunc", () => {
        const [, stat] = h.fdstat(3);
        h.imports.fd_fdstat_set_rights(
          3,
          stat!.fs_rights_base & ~(rights.path_create_file | rights.path_filestat_set_size),
          stat!.fs_rights_inheriting,
        );
        expect(h.open(3, "c.txt", { oflags: OFLAGS.creat })[0]).toBe(errno.notcapable);
        expect(h.open(3, "file.txt", { oflags: OFLAGS.trunc })[0]).toBe(errno.notcapable);
        expect(h.open(3, "file.txt")[0]).toBe(errno.success);
        h.imports.fd_fdstat_set_rights(3, 0n, 0n);
        expect(h.open(3, "file.txt")[0]).toBe(errno.notcapable);
      });

      it("opens with append: writes go to the end", () => {
        const [, fd] = h.open(3, "file.txt", { fdflags: fdflags.append, base: rights.fd_write | rights.fd_seek });
        h.seek(fd, 0n, whence.set);
        h.write(fd, "!");
        expect(fs.readFileSync(at("file.txt"), "utf8")).toBe("file-content!");
        expect(h.fdstat(fd)[1]!.fs_flags).toBe(fdflags.append);
      });

      it("refuses a descriptor beyond the open-file limit with mfile (the per-process table is full)", () => {
        const limited = new Harness({
          preopens: [["/sandbox", dir]],
          procFdRoots: mode.procFdRoots,
          nativeResolution: mode.nativeResolution,
          limits: { maxOpenFds: 6 },
        });
        try {
          expect(limited.open(3, "file.txt")).toEqual([errno.success, 4]);
          expect(limited.open(3, "file.txt")).toEqual([errno.success, 5]);
          expect(limited.open(3, "file.txt")[0]).toBe(errno.mfile);
          limited.imports.fd_close(4);
          expect(limited.open(3, "file.txt")).toEqual([errno.success, 4]);
        } finally {
          limited.close();
        }
      });

      it("refuses a path longer than the limit with nametoolong", () => {
        const limited = new Harness({
          preopens: [["/sandbox", dir]],
          procFdRoots: mode.procFdRoots,
          nativeResolution: mode.nativeResolution,
          limits: { maxPathBytes: 32 },
        });
        try {
          expect(limited.open(3, `${"a/".repeat(20)}x`)[0]).toBe(errno.nametoolong);
          expect(limited.open(3, "file.txt")[0]).toBe(errno.success);
        } finally {
          limited.close();
        }
      });
    });

    describe("symbolic links", () => {
      it("are followed by path_open with symlink_follow and refused (loop) without", () => {
        fs.symlinkSync("file.txt", at("link"));
        const [error, fd] = h.open(3, "link", { base: rights.fd_read });
        expect(error).toBe(errno.success);
        expect(h.read(fd, 64)[1]).toBe("file-content");
        expect(h.open(3, "link", { follow: false })[0]).toBe(errno.loop);
      });

      it("path_symlink stores the target verbatim; path_readlink reads it, cut to the buffer", () => {
        expect(symlink("sub/inner.txt", "l")).toBe(errno.success);
        expect(fs.readlinkSync(at("l"))).toBe("sub/inner.txt");
        expect(readlink("l", 64)).toEqual([errno.success, "sub/inner.txt"]);
        expect(readlink("l", 3)).toEqual([errno.success, "sub"]);
        expect(readlink("file.txt", 64)[0]).toBe(errno.inval);
        expect(readlink("missing", 64)[0]).toBe(errno.noent);
      });

      it("path_symlink over an existing name gives exist", () => {
        expect(symlink("x", "file.txt")).toBe(errno.exist);
      });

      it("an absolute target is refused at creation (as wasmtime does), and never followed when planted", () => {
        expect(symlink(path.join(outside, "secret.txt"), "abs")).toBe(errno.notcapable);
        expect(symlink("/", "root")).toBe(errno.notcapable);
        expect(fs.existsSync(at("abs")) || fs.existsSync(at("root"))).toBe(false);
        fs.symlinkSync(path.join(outside, "secret.txt"), at("abs"));
        expect(h.open(3, "abs")[0]).toBe(errno.notcapable);
        expect(h.pathFilestat(3, "abs", true)[0]).toBe(errno.notcapable);
        expect(h.pathFilestat(3, "abs", false)[1]!.filetype).toBe(filetype.symbolic_link);
      });

      it("a relative target climbing above the descriptor's root is refused at creation", () => {
        expect(symlink("../outside/secret.txt", "esc")).toBe(errno.notcapable);
        expect(symlink("../../x", "sub/esc")).toBe(errno.notcapable);
        expect(symlink("sub/../../x", "esc2")).toBe(errno.notcapable);
        expect(symlink("../file.txt", "sub/back")).toBe(errno.success);
        expect(fs.readlinkSync(at("sub", "back"))).toBe("../file.txt");
        const [opened, sub] = h.open(3, "sub", { oflags: OFLAGS.directory });
        expect(opened).toBe(errno.success);
        expect(symlink("../file.txt", "up", sub)).toBe(errno.notcapable);
      });

      it("a link climbing out of the preopen is not followed", () => {
        const relative = path.relative(dir, path.join(outside, "secret.txt"));
        fs.symlinkSync(relative, at("escape"));
        expect(h.open(3, "escape")[0]).toBe(errno.notcapable);
        fs.symlinkSync("..", at("sub", "up"));
        expect(h.open(3, "sub/up/sub/inner.txt")[0]).toBe(errno.success);
        expect(h.open(3, "sub/up/../x")[0]).toBe(errno.notcapable);
      });

      it("open with creat through a dangling link creates its target when it is inside", () => {
        fs.symlinkSync("sub/made.txt", at("dangling"));
        expect(h.open(3, "dangling", { base: rights.fd_read })[0]).toBe(errno.noent);
        expect(h.open(3, "dangling", { oflags: OFLAGS.creat | OFLAGS.excl })[0]).toBe(errno.exist);
        const [error, fd] = h.open(3, "dangling", { oflags: OFLAGS.creat, base: rights.fd_write });
        expect(error).toBe(errno.success);
        expect(h.write(fd, "made")[0]).toBe(errno.success);
        expect(fs.readFileSync(at("sub", "made.txt"), "utf8")).toBe("made");
        expect(fs.lstatSync(at("dangling")).isSymbolicLink()).toBe(true);
        expect(h.open(3, "dangling", { follow: false, oflags: OFLAGS.creat })[0]).toBe(errno.loop);
      });

      it("open with creat through a dangling link that leads outside creates nothing", () => {
        const climbing = path.join("..", path.basename(outside), "made.txt");
        fs.symlinkSync(climbing, at("out"));
        fs.symlinkSync(path.join(outside, "made-abs.txt"), at("abs-out"));
        fs.symlinkSync(`../../${path.basename(outside)}/made.txt`, at("sub", "deep-out"));
        expect(h.open(3, "out", { oflags: OFLAGS.creat })[0]).toBe(errno.notcapable);
        expect(h.open(3, "abs-out", { oflags: OFLAGS.creat })[0]).toBe(errno.notcapable);
        expect(h.open(3, "sub/deep-out", { oflags: OFLAGS.creat })[0]).toBe(errno.notcapable);
        expect(fs.readdirSync(outside)).toEqual(["secret.txt"]);
      });

      it("other creating calls never create through a dangling link", () => {
        fs.symlinkSync("target", at("dangling"));
        expect(mkdir("dangling/")).toBe(errno.noent);
        expect(symlink("x", "dangling/")).toBe(errno.noent);
        expect(link("file.txt", "dangling/")).toBe(errno.noent);
        expect(rename("sub", "dangling/")).toBe(errno.noent);
        expect(mkdir("dangling")).toBe(errno.exist);
        expect(fs.existsSync(at("target"))).toBe(false);
        expect(fs.existsSync(at("sub"))).toBe(true);
      });

      it("path_filestat_get follows only when asked", () => {
        fs.symlinkSync("file.txt", at("link"));
        expect(h.pathFilestat(3, "link", true)[1]!.filetype).toBe(filetype.regular_file);
        expect(h.pathFilestat(3, "link", false)[1]!.filetype).toBe(filetype.symbolic_link);
        expect(h.pathFilestat(3, "link", true)[1]!.size).toBe(12n);
      });
    });

    describe("the sandbox", () => {
      it("refuses absolute paths and .. past the root with notcapable", () => {
        expect(h.open(3, "/etc/passwd")[0]).toBe(errno.notcapable);
        expect(h.open(3, `../${path.basename(outside)}/secret.txt`)[0]).toBe(errno.notcapable);
        expect(h.open(3, "sub/../../x")[0]).toBe(errno.notcapable);
        expect(mkdir("../made")).toBe(errno.notcapable);
        expect(fs.existsSync(path.join(path.dirname(dir), "made"))).toBe(false);
      });

      it("a directory descriptor below the preopen is a root of its own", () => {
        const [, sub] = h.open(3, "sub", { oflags: OFLAGS.directory });
        expect(h.open(sub, "../file.txt")[0]).toBe(errno.notcapable);
        expect(h.open(sub, "inner.txt")[0]).toBe(errno.success);
      });

      it("stays inside when the descriptor's directory is renamed and replaced by a symlink", () => {
        const [, sub] = h.open(3, "sub", { oflags: OFLAGS.directory });
        fs.renameSync(at("sub"), at("moved"));
        fs.symlinkSync(outside, at("sub"));
        const [error, fd] = h.open(sub, "secret.txt");
        if (mode.procFdRoots) {
          // The descriptor still means the directory it was opened on, now named "moved".
          expect(error).toBe(errno.noent);
          expect(h.open(sub, "inner.txt")[0]).toBe(errno.success);
        } else {
          expect(error).toBe(errno.notcapable);
        }
        expect(fd).toBe(-1);
      });
    });

    describe("directories", () => {
      it("path_create_directory and path_remove_directory with their errnos", () => {
        expect(mkdir("d")).toBe(errno.success);
        expect(fs.statSync(at("d")).isDirectory()).toBe(true);
        expect(mkdir("d")).toBe(errno.exist);
        expect(mkdir("file.txt")).toBe(errno.exist);
        expect(mkdir("missing/d")).toBe(errno.noent);
        expect(rmdir("sub")).toBe(errno.notempty);
        expect(rmdir("file.txt")).toBe(errno.notdir);
        expect(rmdir("missing")).toBe(errno.noent);
        expect(rmdir("d")).toBe(errno.success);
        expect(fs.existsSync(at("d"))).toBe(false);
      });

      it("path_remove_directory refuses . and .. and never removes the root", () => {
        const [, sub] = h.open(3, "sub", { oflags: OFLAGS.directory });
        fs.rmSync(at("sub", "inner.txt"));
        expect(rmdir(".", sub)).toBe(errno.inval);
        expect(rmdir("x/..", sub)).toBe(errno.inval);
        expect(rmdir("./", 3)).toBe(errno.inval);
        expect(fs.existsSync(at("sub"))).toBe(true);
      });

      it("path_remove_directory and path_unlink_file of a .. above the root are both notcapable", () => {
        const [, sub] = h.open(3, "sub", { oflags: OFLAGS.directory });
        fs.rmSync(at("sub", "inner.txt"));
        for (const fd of [3, sub]) {
          expect(rmdir("..", fd)).toBe(errno.notcapable);
          expect(unlink("..", fd)).toBe(errno.notcapable);
        }
        expect(rmdir("sub/../..")).toBe(errno.notcapable);
        expect(rmdir("sub/..")).toBe(errno.inval);
        expect(fs.existsSync(at("sub"))).toBe(true);
      });

      it("a trailing slash is allowed on directories", () => {
        expect(mkdir("t/")).toBe(errno.success);
        expect(rmdir("t/")).toBe(errno.success);
      });
    });

    describe("path_unlink_file", () => {
      it("removes a file; a directory is isdir, a path through a file notdir, a missing one noent", () => {
        expect(unlink("file.txt")).toBe(errno.success);
        expect(fs.existsSync(at("file.txt"))).toBe(false);
        expect(unlink("file.txt")).toBe(errno.noent);
        expect(unlink("sub")).toBe(errno.isdir);
        fs.writeFileSync(at("f"), "");
        expect(unlink("f/x")).toBe(errno.notdir);
      });

      it("removes a symlink itself, not its target", () => {
        fs.symlinkSync("file.txt", at("link"));
        expect(unlink("link")).toBe(errno.success);
        expect(fs.existsSync(at("file.txt"))).toBe(true);
      });
    });

    describe("path_rename", () => {
      it("renames and replaces, with the kernel's errnos for the rest", () => {
        fs.writeFileSync(at("b.txt"), "b");
        expect(rename("file.txt", "a.txt")).toBe(errno.success);
        expect(rename("a.txt", "b.txt")).toBe(errno.success);
        expect(fs.readFileSync(at("b.txt"), "utf8")).toBe("file-content");
        expect(rename("missing", "x")).toBe(errno.noent);
        expect(rename("b.txt", "sub")).toBe(errno.isdir);
        fs.mkdirSync(at("e"));
        expect(rename("e", "b.txt")).toBe(errno.notdir);
        fs.mkdirSync(at("f"));
        expect(rename("f", "sub")).toBe(errno.notempty);
        expect(rename("sub", "sub/inside")).toBe(errno.inval);
      });

      it("moves between two directory descriptors", () => {
        const [, sub] = h.open(3, "sub", { oflags: OFLAGS.directory });
        expect(rename("file.txt", "moved.txt", 3, sub)).toBe(errno.success);
        expect(fs.readFileSync(at("sub", "moved.txt"), "utf8")).toBe("file-content");
      });

      it("refuses . and .. and needs the rename rights on both sides", () => {
        expect(rename(".", "x")).toBe(errno.inval);
        expect(rename("sub/..", "x")).toBe(errno.inval);
        const [, sub] = h.open(3, "sub", { oflags: OFLAGS.directory, base: rights.path_rename_source });
        expect(rename("file.txt", "x", 3, sub)).toBe(errno.notcapable);
        expect(rename("inner.txt", "y", sub, 3)).toBe(errno.success);
      });

      it("cannot move anything out of the sandbox", () => {
        expect(rename("file.txt", "../x")).toBe(errno.notcapable);
        expect(fs.existsSync(at("file.txt"))).toBe(true);
      });
    });

    describe("path_link", () => {
      it("makes a hard link; an existing name is exist, a missing source noent", () => {
        expect(link("file.txt", "hard.txt")).toBe(errno.success);
        expect(fs.statSync(at("file.txt")).nlink).toBe(2);
        expect(link("file.txt", "sub")).toBe(errno.exist);
        expect(link("missing", "x")).toBe(errno.noent);
      });

      it("links the symlink itself without symlink_follow, and its target with it", () => {
        fs.symlinkSync("file.txt", at("link"));
        expect(link("link", "l1")).toBe(errno.success);
        expect(fs.lstatSync(at("l1")).isSymbolicLink()).toBe(true);
        expect(link("link", "l2", true)).toBe(errno.success);
        expect(fs.lstatSync(at("l2")).isFile()).toBe(true);
      });
    });

    describe("path_filestat_get and path_filestat_set_times", () => {
      it("describe a file by path", () => {
        const host = fs.statSync(at("file.txt"), { bigint: true });
        const [error, stat] = h.pathFilestat(3, "file.txt");
        expect(error).toBe(errno.success);
        expect(stat).toMatchObject({ ino: host.ino, dev: host.dev, size: 12n, filetype: filetype.regular_file });
        expect(h.pathFilestat(3, ".")[1]!.filetype).toBe(filetype.directory);
        expect(h.pathFilestat(3, "missing")[0]).toBe(errno.noent);
        expect(h.pathFilestat(3, "file.txt/")[0]).toBe(errno.notdir);
      });

      it("set times on the link itself without symlink_follow and on the target with it", () => {
        fs.symlinkSync("file.txt", at("link"));
        const both = fstflags.atim | fstflags.mtim;
        expect(setTimes("file.txt", true, 1_000_000_000_000n, 1_000_000_000_000n, both)).toBe(errno.success);
        expect(setTimes("link", false, 5_000_500_000_000n, 5_000_500_000_000n, both)).toBe(errno.success);
        expect(fs.lstatSync(at("link"), { bigint: true }).mtimeNs).toBe(5_000_500_000_000n);
        expect(fs.statSync(at("file.txt"), { bigint: true }).mtimeNs).toBe(1_000_000_000_000n);
        expect(setTimes("link", true, 0n, 7_000_000_000_000n, fstflags.mtim)).toBe(errno.success);
        const target = fs.statSync(at("file.txt"), { bigint: true });
        expect(target.mtimeNs).toBe(7_000_000_000_000n);
        expect(target.atimeNs).toBe(1_000_000_000_000n);
      });

      it("refuse conflicting flags and missing paths", () => {
        expect(setTimes("file.txt", true, 0n, 0n, fstflags.atim | fstflags.atim_now)).toBe(errno.inval);
        expect(setTimes("missing", true, 0n, 0n, fstflags.mtim_now)).toBe(errno.noent);
      });
    });
  });
}

// A descriptor opened without saying what it is learns its kind when first asked.
describe("the kind of an opened object", () => {
  let dir: string;
  let cleanup: () => void;
  let h: Harness;
  const at = (...parts: string[]) => path.join(dir, ...parts);

  beforeEach(() => {
    [dir, cleanup] = makeTempDir("node-host-kind-");
    fs.writeFileSync(at("file.txt"), "content");
    fs.mkdirSync(at("sub"));
    fs.writeFileSync(at("sub", "inner.txt"), "inner");
    h = new Harness({ preopens: [["/sandbox", dir]] });
  });
  afterEach(() => {
    h.close();
    cleanup();
  });

  it("a directory opened without oflags.directory becomes a directory descriptor with directory rights", () => {
    const [error, fd] = h.open(3, "sub", { base: rights.fd_read | rights.path_open | rights.fd_readdir });
    expect(error).toBe(errno.success);
    // Its first read answers as later ones do once the kind is known: a directory may not be read.
    expect(h.read(fd, 4)[0]).toBe(errno.notcapable);
    const [inner] = h.open(fd, "inner.txt", { base: rights.fd_read });
    expect(inner).toBe(errno.success);
    const [, stat] = h.fdstat(fd);
    expect(stat!.fs_filetype).toBe(filetype.directory);
    expect(stat!.fs_rights_base).toBe(rights.path_open | rights.fd_readdir);
    expect(h.read(fd, 4)[0]).toBe(errno.notcapable);
  });

  it("a file opened plainly reports the rights of a file once asked", () => {
    const [, fd] = h.open(3, "file.txt", { base: rights.fd_read | rights.fd_seek | rights.path_open });
    expect(h.read(fd, 3)).toEqual([errno.success, "con"]);
    expect(h.fdstat(fd)[1]).toMatchObject({ fs_filetype: filetype.regular_file, fs_rights_base: rights.fd_read | rights.fd_seek });
    expect(h.read(fd, 10)).toEqual([errno.success, "tent"]);
  });

  it("a FIFO opened by path is read as a stream: no position, no seeking", () => {
    execFileSync("mkfifo", [at("fifo")]);
    const writer = fs.openSync(at("fifo"), fs.constants.O_RDWR);
    try {
      fs.writeSync(writer, "through the pipe");
      const [error, fd] = h.open(3, "fifo", { base: rights.fd_read | rights.fd_seek | rights.fd_tell });
      expect(error).toBe(errno.success);
      expect(h.read(fd, 7)).toEqual([errno.success, "through"]);
      expect(h.read(fd, 64)).toEqual([errno.success, " the pipe"]);
      expect(h.seek(fd, 0n, whence.set)[0]).toBe(errno.spipe);
      expect(h.pread(fd, 0n, 4)[0]).toBe(errno.spipe);
      const [, stat] = h.fdstat(fd);
      expect(stat!.fs_filetype).toBe(filetype.unknown);
      expect(stat!.fs_rights_base).toBe(rights.fd_read);
      expect(h.seek(fd, 0n, whence.set)[0]).toBe(errno.notcapable);
    } finally {
      fs.closeSync(writer);
    }
  });

  it("a FIFO's first positional attempt is detected on write too", () => {
    execFileSync("mkfifo", [at("fifo2")]);
    const reader = fs.openSync(at("fifo2"), fs.constants.O_RDWR);
    try {
      const [, fd] = h.open(3, "fifo2", { base: rights.fd_write });
      expect(h.write(fd, "abc")).toEqual([errno.success, 3]);
      const buffer = Buffer.alloc(8);
      expect(fs.readSync(reader, buffer, 0, 8, null)).toBe(3);
      expect(buffer.subarray(0, 3).toString()).toBe("abc");
    } finally {
      fs.closeSync(reader);
    }
  });

  it("creat|excl makes a regular file whose kind is known at once", () => {
    const [error, fd] = h.open(3, "made.txt", { oflags: OFLAGS.creat | OFLAGS.excl, base: rights.fd_write | rights.fd_seek });
    expect(error).toBe(errno.success);
    expect(h.fdstat(fd)[1]).toMatchObject({ fs_filetype: filetype.regular_file, fs_rights_base: rights.fd_write | rights.fd_seek });
  });
});
