/**
 * wasi_unstable (preview0) through the preview1 host: the adapter converts what
 * the two witx versions lay out or number differently (whence, filestat,
 * subscription_clock, the sock_accept right) and forwards the rest.
 *
 * First against a recording preview1 host, reading the bytes the glue stores;
 * then a real guest (.wat importing wasi_unstable) on our WASI class and on
 * node:wasi, which reuses preview1's layouts for preview0.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WASI as NodeWASI } from "node:wasi";
import { describe, expect, it } from "vitest";
import * as p0 from "../src/generated/preview0/types.js";
import * as p1 from "../src/generated/preview1/types.js";
import type { Preview1Host } from "../src/generated/preview1/index.js";
import { WASI, wasiImportNames } from "../src/wasi/wasi.js";
import { watToBytes } from "./support/compile-wat.js";
import { preview0Probe } from "./support/preview0-probe.js";

const fd = p1.asFd(5);

function sampleFilestat(nlink: bigint): p1.Filestat {
  return {
    dev: 0x1111n,
    ino: 0x2222n,
    filetype: p1.filetype.regular_file,
    nlink,
    size: 0x3333n,
    atim: 0x4444n,
    mtim: 0x5555n,
    ctim: 0x6666n,
  };
}

describe("preview0 fd_seek", () => {
  it.each([
    ["cur", 0, p1.whence.cur],
    ["end", 1, p1.whence.end],
    ["set", 2, p1.whence.set],
  ] as const)("gives the host preview1's %s for preview0's whence %i", (_name, preview0Whence, preview1Whence) => {
    const seen: number[] = [];
    const probe = preview0Probe({
      fd_seek(_fd, _offset, whence, result) {
        seen.push(whence);
        result.value = 77n;
        return p1.errno.success;
      },
    });
    expect(probe.imports.fd_seek(5, -3n, preview0Whence, 8)).toBe(p0.errno.success);
    expect(seen).toEqual([preview1Whence]);
    expect(probe.view.getBigUint64(8, true)).toBe(77n);
  });

  it("rejects a whence past preview0's three cases with inval before the host is asked", () => {
    let called = false;
    const probe = preview0Probe({
      fd_seek: () => {
        called = true;
        return p1.errno.success;
      },
    });
    expect(probe.imports.fd_seek(5, 0n, 3, 8)).toBe(p0.errno.inval);
    expect(called).toBe(false);
  });
});

describe("preview0 filestat", () => {
  const filestatHost = (nlink: bigint): Partial<Preview1Host> => ({
    fd_filestat_get(_fd, result) {
      result.value = sampleFilestat(nlink);
      return p1.errno.success;
    },
    path_filestat_get(_fd, _flags, _path, result) {
      result.value = sampleFilestat(nlink);
      return p1.errno.success;
    },
  });

  /** Reads the 56-byte preview0 filestat at `at`, field by field at preview0's offsets. */
  function readPreview0Filestat(view: DataView, at: number) {
    return {
      dev: view.getBigUint64(at + 0, true),
      ino: view.getBigUint64(at + 8, true),
      filetype: view.getUint8(at + 16),
      nlink: view.getUint32(at + 20, true),
      size: view.getBigUint64(at + 24, true),
      atim: view.getBigUint64(at + 32, true),
      mtim: view.getBigUint64(at + 40, true),
      ctim: view.getBigUint64(at + 48, true),
    };
  }

  it("fd_filestat_get stores preview0's 56-byte layout with a 32-bit nlink, leaving byte 56 on untouched", () => {
    const probe = preview0Probe(filestatHost(3n));
    probe.bytes.fill(0xaa, 64, 64 + 72);
    expect(probe.imports.fd_filestat_get(5, 64)).toBe(p0.errno.success);
    expect(readPreview0Filestat(probe.view, 64)).toEqual({
      dev: 0x1111n,
      ino: 0x2222n,
      filetype: p0.filetype.regular_file,
      nlink: 3,
      size: 0x3333n,
      atim: 0x4444n,
      mtim: 0x5555n,
      ctim: 0x6666n,
    });
    expect([...probe.bytes.subarray(64 + 56, 64 + 72)]).toEqual(new Array(16).fill(0xaa));
  });

  it("path_filestat_get stores the same layout", () => {
    const probe = preview0Probe(filestatHost(2n));
    probe.bytes.set(Buffer.from("file"), 200);
    expect(probe.imports.path_filestat_get(3, 0, 200, 4, 64)).toBe(p0.errno.success);
    expect(readPreview0Filestat(probe.view, 64).nlink).toBe(2);
    expect(readPreview0Filestat(probe.view, 64).ctim).toBe(0x6666n);
  });

  it("keeps the largest link count preview0 can hold", () => {
    const probe = preview0Probe(filestatHost(0xffff_ffffn));
    expect(probe.imports.fd_filestat_get(5, 64)).toBe(p0.errno.success);
    expect(probe.view.getUint32(64 + 20, true)).toBe(0xffff_ffff);
  });

  it("answers overflow, storing nothing, when the link count does not fit 32 bits", () => {
    const probe = preview0Probe(filestatHost(0x1_0000_0000n));
    probe.bytes.fill(0xaa, 64, 64 + 56);
    expect(probe.imports.fd_filestat_get(5, 64)).toBe(p0.errno.overflow);
    expect(probe.imports.path_filestat_get(3, 0, 200, 1, 64)).toBe(p0.errno.overflow);
    expect([...probe.bytes.subarray(64, 64 + 56)]).toEqual(new Array(56).fill(0xaa));
  });

  it("passes the host's errno through unchanged", () => {
    const probe = preview0Probe({ fd_filestat_get: () => p1.errno.badf });
    expect(probe.imports.fd_filestat_get(5, 64)).toBe(p0.errno.badf);
  });
});

describe("preview0 poll_oneoff", () => {
  /** Writes a preview0 clock subscription (56 bytes) at `at`. */
  function putClockSubscription(view: DataView, at: number, userdata: bigint, identifier: bigint, timeout: bigint): void {
    view.setBigUint64(at, userdata, true);
    view.setUint8(at + 8, p0.eventtype.clock);
    view.setBigUint64(at + 16, identifier, true);
    view.setUint32(at + 24, p0.clockid.monotonic, true);
    view.setBigUint64(at + 32, timeout, true);
    view.setBigUint64(at + 40, 1000n, true);
    view.setUint16(at + 48, p0.subclockflags.subscription_clock_abstime, true);
  }

  /** Writes a preview0 fd_read subscription at `at`. */
  function putReadSubscription(view: DataView, at: number, userdata: bigint, descriptor: number): void {
    view.setBigUint64(at, userdata, true);
    view.setUint8(at + 8, p0.eventtype.fd_read);
    view.setUint32(at + 16, descriptor, true);
  }

  it("reads subscriptions in preview0's 56-byte layout and returns the host's events in the shared layout", () => {
    let seen: p1.Subscription[] = [];
    const probe = preview0Probe({
      poll_oneoff(subscriptions, events, count, result) {
        seen = subscriptions.readArray(count);
        events.writeArray(
          seen.map((subscription) => ({
            userdata: subscription.userdata,
            error: p1.errno.success,
            type: subscription.u.tag,
            fd_readwrite: { nbytes: 9n, flags: 0 },
          })),
        );
        result.value = count;
        return p1.errno.success;
      },
    });
    putClockSubscription(probe.view, 1024, 0xabcn, 0xdeadn, 5_000n);
    putReadSubscription(probe.view, 1024 + 56, 0xdefn, 7);
    expect(probe.imports.poll_oneoff(1024, 2048, 2, 8)).toBe(p0.errno.success);

    expect(seen).toEqual([
      {
        userdata: 0xabcn,
        u: { tag: p1.eventtype.clock, value: { id: p1.clockid.monotonic, timeout: 5_000n, precision: 1000n, flags: 1 } },
      },
      { userdata: 0xdefn, u: { tag: p1.eventtype.fd_read, value: { file_descriptor: 7 } } },
    ]);
    expect(probe.view.getUint32(8, true)).toBe(2);
    expect(p0.eventCodec.read(probe.view, 2048)).toEqual({
      userdata: 0xabcn,
      error: p0.errno.success,
      type: p0.eventtype.clock,
      fd_readwrite: { nbytes: 9n, flags: 0 },
    });
    expect(p0.eventCodec.read(probe.view, 2048 + 32).userdata).toBe(0xdefn);
  });

  it("keeps the guest's identifier when the host writes a subscription back", () => {
    const probe = preview0Probe({
      poll_oneoff(subscriptions, _events, _count, result) {
        const first = subscriptions.read();
        subscriptions.write({ ...first, userdata: 0x99n });
        result.value = 0;
        return p1.errno.success;
      },
    });
    putClockSubscription(probe.view, 1024, 1n, 0xfeedn, 1n);
    expect(probe.imports.poll_oneoff(1024, 2048, 1, 8)).toBe(p0.errno.success);
    expect(probe.view.getBigUint64(1024, true)).toBe(0x99n);
    expect(probe.view.getBigUint64(1024 + 16, true)).toBe(0xfeedn);
  });

  it("traps when the preview0-sized subscription array runs past memory", () => {
    const probe = preview0Probe({
      poll_oneoff(subscriptions, _events, count, result) {
        subscriptions.readArray(count);
        result.value = 0;
        return p1.errno.success;
      },
    });
    // 2 × 48 bytes would fit before the end; 2 × 56 do not.
    const start = 65536 - 2 * 48;
    expect(() => probe.imports.poll_oneoff(start, 2048, 2, 8)).toThrow(WebAssembly.RuntimeError);
  });
});

describe("preview0 rights", () => {
  const allPreview1 = p1.rightsAll;

  it("fd_fdstat_get hides preview1's sock_accept right from a preview0 guest", () => {
    const probe = preview0Probe({
      fd_fdstat_get(_fd, result) {
        result.value = {
          fs_filetype: p1.filetype.socket_stream,
          fs_flags: 0,
          fs_rights_base: allPreview1,
          fs_rights_inheriting: allPreview1,
        };
        return p1.errno.success;
      },
    });
    expect(probe.imports.fd_fdstat_get(5, 64)).toBe(p0.errno.success);
    const stored = p0.fdstatCodec.read(probe.view, 64);
    expect(stored.fs_rights_base).toBe(p0.rightsAll);
    expect(stored.fs_rights_inheriting).toBe(p0.rightsAll);
    expect(stored.fs_filetype).toBe(p0.filetype.socket_stream);
  });

  it("fd_fdstat_set_rights keeps sock_accept where the descriptor had it, since preview0 cannot name it", () => {
    const requests: [bigint, bigint][] = [];
    const probe = preview0Probe({
      fd_fdstat_get(_fd, result) {
        result.value = {
          fs_filetype: p1.filetype.socket_stream,
          fs_flags: 0,
          fs_rights_base: allPreview1,
          fs_rights_inheriting: p1.rights.fd_read,
        };
        return p1.errno.success;
      },
      fd_fdstat_set_rights(_fd, base, inheriting) {
        requests.push([base, inheriting]);
        return p1.errno.success;
      },
    });
    expect(probe.imports.fd_fdstat_set_rights(5, p0.rights.fd_read, 0n)).toBe(p0.errno.success);
    expect(requests).toEqual([[p1.rights.fd_read | p1.rights.sock_accept, 0n]]);
  });

  it("rejects rights bits preview0 does not define with inval", () => {
    const probe = preview0Probe({ fd_fdstat_set_rights: () => p1.errno.success });
    expect(probe.imports.fd_fdstat_set_rights(5, p1.rights.sock_accept, 0n)).toBe(p0.errno.inval);
  });
});

describe("preview0 forwarding", () => {
  it("forwards path_open with its arguments and stores the new descriptor", () => {
    const calls: unknown[][] = [];
    const probe = preview0Probe({
      path_open(dir, dirflags, path, oflags, base, inheriting, fdflags, result) {
        calls.push([dir, dirflags, path, oflags, base, inheriting, fdflags]);
        result.value = fd;
        return p1.errno.success;
      },
    });
    probe.bytes.set(Buffer.from("dir/file.txt"), 300);
    expect(probe.imports.path_open(3, 1, 300, 12, 9, p0.rights.fd_read, 0n, 1, 16)).toBe(p0.errno.success);
    expect(calls).toEqual([[3, 1, "dir/file.txt", 9, p0.rights.fd_read, 0n, 1]]);
    expect(probe.view.getUint32(16, true)).toBe(5);
  });

  it("forwards fd_write's buffers and result", () => {
    const written: string[] = [];
    const probe = preview0Probe({
      fd_write(target, iovs, result) {
        written.push(`${target}:${iovs.map((iov) => Buffer.from(iov).toString()).join("")}`);
        result.value = 2;
        return p1.errno.success;
      },
    });
    probe.bytes.set(Buffer.from("hi"), 100);
    probe.view.setUint32(16, 100, true);
    probe.view.setUint32(20, 2, true);
    expect(probe.imports.fd_write(1, 16, 1, 8)).toBe(p0.errno.success);
    expect(written).toEqual(["1:hi"]);
    expect(probe.view.getUint32(8, true)).toBe(2);
  });

  it("provides every wasi_unstable function and no sock_accept", () => {
    const names = wasiImportNames("unstable");
    expect(names.module).toBe("wasi_unstable");
    expect(names.functions).not.toContain("sock_accept");
    expect(new Set(names.functions)).toEqual(new Set([...wasiImportNames("preview1").functions].filter((name) => name !== "sock_accept")));
  });
});

describe("a wasi_unstable guest on our WASI and on node:wasi", () => {
  /**
   * Creates f.txt in the preopen, writes "hello world", then seeks and stats it
   * with preview0's numbering and layout, storing every result at 0x400 on:
   *   0x400 errnos (u32 each): open, write, seek set 6, read, seek end 0, seek cur -3, filestat
   *   0x440 position after "seek set 6" (u64), 0x448 bytes read (u32),
   *   0x450 position after "seek end 0", 0x458 position after "seek cur -3"
   *   0x500 the bytes read; 0x600 the filestat, with 0xaa guard bytes after 56
   */
  const guest = `(module
    (import "wasi_unstable" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_unstable" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
    (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
    (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0x100) "f.txt")
    (data (i32.const 0x120) "hello world")
    (func (export "_start")
      (local $fd i32)
      ;; creat|trunc; rights fd_read|fd_seek|fd_write|fd_filestat_get
      (i32.store (i32.const 0x400) (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 5)
        (i32.const 9) (i64.const 0x200046) (i64.const 0) (i32.const 0) (i32.const 0x200)))
      (local.set $fd (i32.load (i32.const 0x200)))
      (i32.store (i32.const 0x210) (i32.const 0x120))
      (i32.store (i32.const 0x214) (i32.const 11))
      (i32.store (i32.const 0x404) (call $fd_write (local.get $fd) (i32.const 0x210) (i32.const 1) (i32.const 0x218)))
      ;; preview0 whence: cur 0, end 1, set 2
      (i32.store (i32.const 0x408) (call $fd_seek (local.get $fd) (i64.const 6) (i32.const 2) (i32.const 0x440)))
      (i32.store (i32.const 0x220) (i32.const 0x500))
      (i32.store (i32.const 0x224) (i32.const 16))
      (i32.store (i32.const 0x40c) (call $fd_read (local.get $fd) (i32.const 0x220) (i32.const 1) (i32.const 0x448)))
      (i32.store (i32.const 0x410) (call $fd_seek (local.get $fd) (i64.const 0) (i32.const 1) (i32.const 0x450)))
      (i32.store (i32.const 0x414) (call $fd_seek (local.get $fd) (i64.const -3) (i32.const 0) (i32.const 0x458)))
      (memory.fill (i32.const 0x600) (i32.const 0xaa) (i32.const 72))
      (i32.store (i32.const 0x418) (call $fd_filestat_get (local.get $fd) (i32.const 0x600)))))`;

  function run(make: (options: object) => { getImportObject(): object; start(instance: WebAssembly.Instance): number }) {
    const sandbox = mkdtempSync(join(tmpdir(), "preview0-"));
    try {
      const wasi = make({ version: "unstable", preopens: { "/sandbox": sandbox } });
      const instance = new WebAssembly.Instance(new WebAssembly.Module(watToBytes(guest)), wasi.getImportObject() as WebAssembly.Imports);
      expect(wasi.start(instance)).toBe(0);
      const memory = instance.exports.memory as WebAssembly.Memory;
      const view = new DataView(memory.buffer);
      return {
        errnos: [0, 4, 8, 12, 16, 20, 24].map((offset) => view.getUint32(0x400 + offset, true)),
        afterSeekSet6: view.getBigUint64(0x440, true),
        read: Buffer.from(new Uint8Array(memory.buffer, 0x500, view.getUint32(0x448, true))).toString(),
        afterSeekEnd0: view.getBigUint64(0x450, true),
        afterSeekCurMinus3: view.getBigUint64(0x458, true),
        filestat: {
          filetype: view.getUint8(0x600 + 16),
          nlinkU32At20: view.getUint32(0x600 + 20, true),
          sizeAt24: view.getBigUint64(0x600 + 24, true),
          /** Bytes 56..63: past preview0's record, so they must keep their 0xaa. */
          bytes56to63Untouched: new Uint8Array(memory.buffer, 0x600 + 56, 8).every((byte) => byte === 0xaa),
          bytes64to71Untouched: new Uint8Array(memory.buffer, 0x600 + 64, 8).every((byte) => byte === 0xaa),
        },
      };
    } finally {
      rmSync(sandbox, { recursive: true, force: true });
    }
  }

  it("ours seeks with preview0's whence numbers and stores the 56-byte filestat", () => {
    expect(run((options) => new WASI(options))).toEqual({
      errnos: [0, 0, 0, 0, 0, 0, 0],
      afterSeekSet6: 6n,
      read: "world",
      afterSeekEnd0: 11n,
      afterSeekCurMinus3: 8n,
      filestat: {
        filetype: p0.filetype.regular_file,
        nlinkU32At20: 1,
        sizeAt24: 11n,
        bytes56to63Untouched: true,
        bytes64to71Untouched: true,
      },
    });
  });

  it("node:wasi reads them with preview1's numbering and layout (known node:wasi bug)", () => {
    // whence 2 taken as end, 1 as cur, 0 as set (-3 from the start: inval);
    // filestat written in the 64-byte preview1 layout: offset 20 is padding there (left
    // as it was), nlink goes as a u64 at 24 (where preview0 has size) and ctim runs to byte 64.
    expect(run((options) => new NodeWASI(options as never))).toEqual({
      errnos: [0, 0, 0, 0, 0, p0.errno.inval, 0],
      afterSeekSet6: 17n,
      read: "",
      afterSeekEnd0: 17n,
      afterSeekCurMinus3: 0n,
      filestat: {
        filetype: p0.filetype.regular_file,
        nlinkU32At20: 0xaaaaaaaa,
        sizeAt24: 1n,
        bytes56to63Untouched: false,
        bytes64to71Untouched: true,
      },
    });
  });
});

describe("preview0 poll_oneoff through the Node host", () => {
  it("sleeps on a relative clock subscription laid out the preview0 way and reports its userdata", () => {
    // One 56-byte subscription at 0x100: userdata 0x1234, tag clock, identifier 0xdead,
    // clock monotonic, timeout 2ms (relative), precision 0, flags 0. Event at 0x200, count at 0x300.
    const guest = `(module
      (import "wasi_unstable" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (i64.store (i32.const 0x100) (i64.const 0x1234))
        (i32.store8 (i32.const 0x108) (i32.const 0))
        (i64.store (i32.const 0x110) (i64.const 0xdead))
        (i32.store (i32.const 0x118) (i32.const 1))
        (i64.store (i32.const 0x120) (i64.const 2000000))
        (i32.store (i32.const 0x310) (call $poll (i32.const 0x100) (i32.const 0x200) (i32.const 1) (i32.const 0x300)))))`;
    const wasi = new WASI({ version: "unstable" });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(watToBytes(guest)), wasi.getImportObject() as WebAssembly.Imports);
    const started = performance.now();
    expect(wasi.start(instance)).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1.5);
    const view = new DataView((instance.exports.memory as WebAssembly.Memory).buffer);
    expect(view.getUint32(0x310, true)).toBe(p0.errno.success);
    expect(view.getUint32(0x300, true)).toBe(1);
    expect(p0.eventCodec.read(view, 0x200)).toEqual({
      userdata: 0x1234n,
      error: p0.errno.success,
      type: p0.eventtype.clock,
      fd_readwrite: { nbytes: 0n, flags: 0 },
    });
  });
});
