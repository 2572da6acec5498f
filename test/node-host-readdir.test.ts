// fd_readdir through the generated glue: entries with stable cookies, . and ..
// with their inodes, d_type from the directory, the buffer filled completely
// with the last entry cut, a snapshot refreshed only when the guest rewinds.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { direntCodec, errno, filetype, rights } from "../src/generated/preview1/types.js";
import { Harness, OFLAGS, makeTempDir, parseDirents, rootModes } from "./support/node-host-harness.js";

for (const mode of rootModes) {
  describe(`fd_readdir with ${mode.name}`, () => {
    let dir: string;
    let cleanup: () => void;
    let h: Harness;
    const at = (...parts: string[]) => path.join(dir, ...parts);

    beforeEach(() => {
      [dir, cleanup] = makeTempDir("node-host-readdir-");
      for (let i = 0; i < 30; i++) fs.writeFileSync(at(`file-${String(i).padStart(2, "0")}.txt`), "x".repeat(i));
      fs.mkdirSync(at("sub"));
      fs.symlinkSync("file-00.txt", at("link"));
      h = new Harness({ preopens: [["/sandbox", dir]], procFdRoots: mode.procFdRoots, nativeResolution: mode.nativeResolution });
    });
    afterEach(() => {
      h.close();
      cleanup();
    });

    function openDir(guestPath = "."): number {
      const [error, fd] = h.open(3, guestPath, { oflags: OFLAGS.directory, base: rights.fd_readdir | rights.path_open });
      expect(error).toBe(errno.success);
      return fd;
    }

    it("lists every entry once, with . and .. first and cookies counting up", () => {
      const entries = h.readdirAll(openDir());
      const names = entries.map((entry) => entry.name);
      expect(names.slice(0, 2)).toEqual([".", ".."]);
      expect([...names].sort()).toEqual([".", "..", ...fs.readdirSync(dir)].sort());
      expect(entries.map((entry) => entry.d_next)).toEqual(entries.map((_, index) => BigInt(index + 1)));
    });

    it("gives each entry the type the directory records, and the inode a filestat of it reports", () => {
      const entries = new Map(h.readdirAll(openDir()).map((entry) => [entry.name, entry]));
      expect(entries.get("file-03.txt")).toMatchObject({
        d_ino: fs.statSync(at("file-03.txt"), { bigint: true }).ino,
        d_type: filetype.regular_file,
      });
      for (const [name, entry] of entries) {
        if (name === "." || name === "..") continue;
        expect(entry.d_ino, name).toBe(h.pathFilestat(3, name, false)[1]!.ino);
      }
      expect(entries.get("link")!.d_ino).toBe(fs.lstatSync(at("link"), { bigint: true }).ino);
      expect(entries.get("sub")!.d_type).toBe(filetype.directory);
      expect(entries.get("link")!.d_type).toBe(filetype.symbolic_link);
      expect(entries.get(".")!.d_ino).toBe(fs.statSync(dir, { bigint: true }).ino);
      expect(entries.get(".")!.d_type).toBe(filetype.directory);
    });

    it("takes the inode numbers with the listing: calls that continue it from a cookie stat nothing", () => {
      const fd = openDir();
      const listed = h.readdirAll(fd);
      const index = listed.findIndex((entry) => entry.name === "file-03.txt");
      // Replaced by a new file (a new inode) after the listing was taken.
      fs.writeFileSync(at("replacement"), "new");
      fs.renameSync(at("replacement"), at("file-03.txt"));
      const newIno = fs.statSync(at("file-03.txt"), { bigint: true }).ino;
      expect(newIno).not.toBe(listed[index].d_ino);
      const continued = parseDirents(h.readdirRaw(fd, 65536, BigInt(index))[2]).whole;
      expect(continued[0]).toMatchObject({ name: "file-03.txt", d_ino: listed[index].d_ino });
      // Listing again from cookie 0 takes a new snapshot.
      expect(h.readdirAll(fd).find((entry) => entry.name === "file-03.txt")!.d_ino).toBe(newIno);
    });

    it("reports a preopen's .. as itself, and a subdirectory's .. as its parent", () => {
      const root = new Map(h.readdirAll(openDir()).map((entry) => [entry.name, entry]));
      expect(root.get("..")!.d_ino).toBe(root.get(".")!.d_ino);
      fs.mkdirSync(at("sub", "deeper"));
      const sub = new Map(h.readdirAll(openDir("sub")).map((entry) => [entry.name, entry]));
      expect(sub.get("..")!.d_ino).toBe(fs.statSync(dir, { bigint: true }).ino);
      expect(sub.get("deeper")!.d_type).toBe(filetype.directory);
    });

    it("walks the same entries whatever the buffer size", () => {
      const fd = openDir();
      const reference = h.readdirAll(fd, 65536).map((entry) => entry.name);
      for (const size of [direntCodec.size + 12, 100, 333, 4096]) {
        expect(h.readdirAll(fd, size).map((entry) => entry.name)).toEqual(reference);
      }
    });

    it("fills the buffer completely, cutting the last entry", () => {
      const fd = openDir();
      const [error, used, bytes] = h.readdirRaw(fd, 100);
      expect(error).toBe(errno.success);
      expect(used).toBe(100);
      const parsed = parseDirents(bytes);
      expect(parsed.truncated).toBe(true);
      const whole = parsed.whole.reduce((sum, entry) => sum + direntCodec.size + entry.d_namlen, 0);
      expect(whole).toBeLessThan(100);
      // The cut entry's header is there as far as it fits: the next cookie follows on.
      expect(parsed.whole.map((entry) => entry.d_next)).toEqual(parsed.whole.map((_, index) => BigInt(index + 1)));
    });

    it("fills even a buffer smaller than one header", () => {
      const [error, used] = h.readdirRaw(openDir(), 10);
      expect([error, used]).toEqual([errno.success, 10]);
    });

    it("uses fewer bytes than the buffer exactly when the listing is complete", () => {
      const fd = openDir();
      const entries = h.readdirAll(fd, 65536);
      const total = entries.reduce((sum, entry) => sum + direntCodec.size + entry.d_namlen, 0);
      const [, used] = h.readdirRaw(fd, 65536);
      expect(used).toBe(total);
      const [, atEnd] = h.readdirRaw(fd, 4096, entries[entries.length - 1].d_next);
      expect(atEnd).toBe(0);
      expect(h.readdirRaw(fd, 4096, 1n << 40n)[1]).toBe(0);
    });

    it("resumes from a cookie on the same snapshot, and refreshes when rewound to 0", () => {
      const fd = openDir();
      const first = h.readdirAll(fd, 65536);
      const [, , bytes] = h.readdirRaw(fd, 65536, 5n);
      fs.writeFileSync(at("later.txt"), "");
      const resumed = parseDirents(h.readdirRaw(fd, 65536, 5n)[2]).whole;
      expect(resumed.map((entry) => entry.name)).toEqual(parseDirents(bytes).whole.map((entry) => entry.name));
      expect(resumed.map((entry) => entry.name)).not.toContain("later.txt");
      const rewound = h.readdirAll(fd, 65536);
      expect(rewound.length).toBe(first.length + 1);
      expect(rewound.map((entry) => entry.name)).toContain("later.txt");
    });

    it("lists an empty directory as . and .. only", () => {
      fs.mkdirSync(at("empty"));
      expect(h.readdirAll(openDir("empty")).map((entry) => entry.name)).toEqual([".", ".."]);
    });

    it("keeps names as the bytes on disk", () => {
      fs.writeFileSync(at("grüße.txt"), "");
      const names = h.readdirAll(openDir()).map((entry) => entry.name);
      expect(names).toContain("grüße.txt");
    });

    it("needs fd_readdir: a file has none (notcapable), a closed fd is badf", () => {
      const [, file] = h.open(3, "file-01.txt");
      expect(h.readdirRaw(file, 100)[0]).toBe(errno.notcapable);
      expect(h.readdirRaw(99, 100)[0]).toBe(errno.badf);
      const [, limited] = h.open(3, ".", { oflags: OFLAGS.directory, base: rights.path_open });
      expect(h.readdirRaw(limited, 100)[0]).toBe(errno.notcapable);
    });

    it("lists a directory opened without oflags.directory", () => {
      const [error, fd] = h.open(3, "sub", { base: rights.fd_read | rights.fd_readdir });
      expect(error).toBe(errno.success);
      expect(h.readdirAll(fd).map((entry) => entry.name)).toEqual([".", ".."]);
    });

    it("lists the preopen itself", () => {
      expect(h.readdirAll(3).length).toBe(fs.readdirSync(dir).length + 2);
    });
  });
}
