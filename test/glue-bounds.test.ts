/**
 * The generated glue's argument checks, driven from a real wasm module: pointers out
 * of bounds, misaligned, overflowing 2^32; zero-length ranges at the very end of
 * memory; memory grown while the host runs; invalid enum/flag values; invalid UTF-8;
 * host exceptions; and the `fault` alternative to trapping.
 */
import { describe, expect, it, vi } from "vitest";
import type { Preview1Host } from "../src/generated/preview1/host.js";
import { errno } from "../src/generated/preview1/types.js";
import {
  defaultHostLimits,
  errorPolicy,
  GuestMemory,
  PASSTHROUGH,
  resolveHostLimits,
  setU64,
  type GlueOptions,
  type GuestErrorKind,
} from "../src/runtime/index.js";
import { probeWith, type Probe } from "./support/glue-probe.js";

const PAGE = 65536;

/** Writes one ciovec (buf, len) at `at`. */
function putIovec(view: DataView, at: number, buf: number, len: number): void {
  view.setUint32(at, buf, true);
  view.setUint32(at + 4, len, true);
}

describe("fd_write through the glue", () => {
  it("passes iovecs as views of guest memory and stores nwritten on success", () => {
    const seen: string[] = [];
    const probe = probeWith({
      fd_write(fd, iovs, result) {
        seen.push(`${fd}:${iovs.map((buffer) => Buffer.from(buffer).toString()).join("|")}`);
        result.value = iovs.reduce((sum, buffer) => sum + buffer.length, 0);
        return errno.success;
      },
    });
    probe.bytes().set(Buffer.from("hello world"), 100);
    putIovec(probe.view(), 16, 100, 5);
    putIovec(probe.view(), 24, 105, 6);
    expect(probe.exports.fd_write(1, 16, 2, 8)).toBe(errno.success);
    expect(seen).toEqual(["1:hello| world"]);
    expect(probe.view().getUint32(8, true)).toBe(11);
  });

  it("traps naming the function and argument when the iovec array is out of bounds", () => {
    const host = vi.fn(() => errno.success);
    const probe = probeWith({ fd_write: host });
    expect(() => probe.exports.fd_write(1, PAGE - 4, 1, 8)).toThrow(WebAssembly.RuntimeError);
    expect(() => probe.exports.fd_write(1, PAGE - 4, 1, 8)).toThrow(/fd_write: argument iovs/);
    expect(host).not.toHaveBeenCalled();
  });

  it("traps when an iovec's buffer runs past the end of memory", () => {
    const probe = probeWith({ fd_write: () => errno.success });
    putIovec(probe.view(), 16, PAGE - 10, 11);
    expect(() => probe.exports.fd_write(1, 16, 1, 8)).toThrow(/fd_write: argument iovs: element 0/);
  });

  it("traps when buffer pointer + length exceeds 2^32, without wrapping around", () => {
    const probe = probeWith({ fd_write: () => errno.success });
    putIovec(probe.view(), 16, 0xfffffff0, 0x20);
    expect(() => probe.exports.fd_write(1, 16, 1, 8)).toThrow(WebAssembly.RuntimeError);
  });

  it("traps when the iovec count times the element size exceeds 2^32", () => {
    const probe = probeWith({ fd_write: () => errno.success });
    expect(() => probe.exports.fd_write(1, 16, 0x20000000, 8)).toThrow(/argument iovs/);
    expect(() => probe.exports.fd_write(1, 16, -1, 8)).toThrow(/argument iovs/);
  });

  it("traps on a misaligned iovec array and a misaligned out-pointer", () => {
    const probe = probeWith({ fd_write: () => errno.success });
    expect(() => probe.exports.fd_write(1, 18, 0, 8)).toThrow(/argument iovs: misaligned/);
    expect(() => probe.exports.fd_write(1, 16, 0, 9)).toThrow(/argument retptr0: misaligned/);
  });

  it("accepts a zero-length buffer at the very end of memory", () => {
    let lengths: number[] = [];
    const probe = probeWith({
      fd_write(_fd, iovs, result) {
        lengths = iovs.map((buffer) => buffer.length);
        result.value = 0;
        return errno.success;
      },
    });
    putIovec(probe.view(), 16, PAGE, 0);
    expect(probe.exports.fd_write(1, 16, 1, 8)).toBe(errno.success);
    expect(lengths).toEqual([0]);
  });

  it("refuses a zero-length buffer that starts past the end of memory", () => {
    const probe = probeWith({ fd_write: () => errno.success });
    putIovec(probe.view(), 16, PAGE + 1, 0);
    expect(() => probe.exports.fd_write(1, 16, 1, 8)).toThrow(WebAssembly.RuntimeError);
  });

  it("does not write the out-pointer when the host fails", () => {
    const probe = probeWith({
      fd_write(_fd, _iovs, result) {
        result.value = 1234;
        return errno.badf;
      },
    });
    probe.view().setUint32(8, 0xdeadbeef, true);
    expect(probe.exports.fd_write(9, 16, 0, 8)).toBe(errno.badf);
    expect(probe.view().getUint32(8, true)).toBe(0xdeadbeef);
  });

  it("writes the result into the grown memory when the host grows memory during the call", () => {
    const probe = probeWith({
      fd_write(_fd, _iovs, result) {
        probe.memory.grow(2);
        result.value = 77;
        return errno.success;
      },
    });
    const out = PAGE - 4;
    expect(probe.exports.fd_write(1, 16, 0, out)).toBe(errno.success);
    expect(probe.memory.buffer.byteLength).toBe(3 * PAGE);
    expect(probe.view().getUint32(out, true)).toBe(77);
  });

  it("sees memory the guest grew between calls", () => {
    const probe = probeWith({
      fd_write(_fd, iovs, result) {
        result.value = iovs[0].length;
        return errno.success;
      },
    });
    expect(probe.exports.grow(1)).toBe(1);
    putIovec(probe.view(), 16, PAGE + 100, 200);
    expect(probe.exports.fd_write(1, 16, 1, PAGE + 8)).toBe(errno.success);
    expect(probe.view().getUint32(PAGE + 8, true)).toBe(200);
  });
});

describe("reused views", () => {
  it("hands out a fresh view when the iovec's buffer, its length or the memory changes", () => {
    const seen: Uint8Array[] = [];
    const probe = probeWith({
      fd_write(_fd, iovs, result) {
        seen.push(iovs[0]);
        result.value = iovs[0].length;
        return errno.success;
      },
    });
    putIovec(probe.view(), 16, 100, 4);
    probe.exports.fd_write(1, 16, 1, 8);
    probe.exports.fd_write(1, 16, 1, 8);
    expect(seen[1]).toBe(seen[0]);
    putIovec(probe.view(), 16, 104, 4);
    probe.exports.fd_write(1, 16, 1, 8);
    expect(seen[2].byteOffset).toBe(104);
    probe.exports.grow(1);
    probe.exports.fd_write(1, 16, 1, 8);
    expect(seen[3] === seen[2]).toBe(false);
    expect(seen[3].buffer).toBe(probe.memory.buffer);
    expect(seen[3].byteLength).toBe(4);
  });

  it("gives random_get a view of the current memory after a grow", () => {
    const probe = probeWith({
      random_get(buffer) {
        buffer.fill(7);
        return errno.success;
      },
    });
    expect(probe.exports.random_get(32, 4)).toBe(errno.success);
    probe.exports.grow(1);
    expect(probe.exports.random_get(32, 4)).toBe(errno.success);
    expect([...probe.bytes().subarray(32, 36)]).toEqual([7, 7, 7, 7]);
  });
});

describe("length limits", () => {
  it("gives inval for an iovec list longer than maxIovecs before decoding it", () => {
    const host = vi.fn(() => errno.success);
    const probe = probeWith({ fd_write: host }, { limits: { maxIovecs: 4 } });
    expect(probe.exports.fd_write(1, 16, 5, 8)).toBe(errno.inval);
    expect(host).not.toHaveBeenCalled();
  });

  it("refuses the default 1025th iovec but still traps on a list past the end of memory", () => {
    const probe = probeWith({ fd_write: () => errno.success });
    expect(probe.exports.fd_write(1, 16, 1025, 8)).toBe(errno.inval);
    expect(() => probe.exports.fd_write(1, 16, 8192, 8)).toThrow(WebAssembly.RuntimeError);
  });

  it("gives nametoolong for a path over maxPathBytes without decoding it", () => {
    const host = vi.fn(() => errno.success);
    const probe = probeWith({ path_open: host }, { limits: { maxPathBytes: 8 } });
    expect(probe.exports.path_open(3, 0, 100, 9, 0, 0n, 0n, 0, 8)).toBe(errno.nametoolong);
    expect(host).not.toHaveBeenCalled();
  });

  it("rejects a limit that is not a positive integer or not a limit, naming the option", () => {
    expect(() => probeWith({}, { limits: { maxIovecs: -1 } })).toThrow(/"limits\.maxIovecs" option/);
    expect(() => probeWith({}, { limits: { maxIovecs: 0 } })).toThrow(/"limits\.maxIovecs" option/);
    expect(() => probeWith({}, { limits: { maxListLength: 8 } as never })).toThrow(/"limits\.maxListLength" option is not a host limit/);
  });
});

describe("the limits' one definition (src/runtime/limits.ts)", () => {
  it("fills in defaults, and hands limits it resolved on without checking them again", () => {
    const limits = resolveHostLimits({ maxIovecs: 16 });
    expect(limits).toEqual({ ...defaultHostLimits, maxIovecs: 16 });
    expect(resolveHostLimits(limits)).toBe(limits);
    expect(Object.isFrozen(limits)).toBe(true);
  });

  it("names the option in every refusal", () => {
    expect(() => resolveHostLimits(5)).toThrow(/"limits" option must be an object/);
    expect(() => resolveHostLimits({ maxIovecs: "8" })).toThrow(/"limits\.maxIovecs" option must be a positive integer/);
    expect(() => resolveHostLimits({ maxOpenFds: 1.5 }, "host.limits")).toThrow(/"host\.limits\.maxOpenFds" option/);
  });
});

describe("the fault option", () => {
  it("returns fault instead of trapping for a bad pointer", () => {
    const probe = probeWith({ fd_write: () => errno.success }, { badPointer: "fault" });
    expect(probe.exports.fd_write(1, PAGE, 1, 8)).toBe(errno.fault);
    expect(probe.exports.fd_write(1, 16, 0, 9)).toBe(errno.fault);
  });

  it("returns fault for a bad GuestPointer access inside the host", () => {
    const probe = probeWith(
      {
        poll_oneoff(subscriptions, _events, count, result) {
          subscriptions.readArray(count);
          result.value = 0;
          return errno.success;
        },
      },
      { badPointer: "fault" },
    );
    expect(probe.exports.poll_oneoff(PAGE - 8, 0, 1, 8)).toBe(errno.fault);
  });

  it("rejects an unknown mode, naming the option", () => {
    expect(() => probeWith({}, { badPointer: "ignore" as never })).toThrow(/"badPointer" option/);
  });
});

describe("value checks", () => {
  it("gives inval for a clock id outside the enum without calling the host", () => {
    const host = vi.fn(() => errno.success);
    const probe = probeWith({ clock_time_get: host });
    expect(probe.exports.clock_time_get(4, 0n, 8)).toBe(errno.inval);
    expect(probe.exports.clock_time_get(-1, 0n, 8)).toBe(errno.inval);
    expect(host).not.toHaveBeenCalled();
  });

  it("passes a valid clock id and stores the 64-bit timestamp exactly", () => {
    const probe = probeWith({
      clock_time_get(id, precision, result) {
        result.value = 0xfedcba9876543210n + BigInt(id) + precision;
        return errno.success;
      },
    });
    expect(probe.exports.clock_time_get(1, 2n, 8)).toBe(errno.success);
    expect(probe.view().getBigUint64(8, true)).toBe(0xfedcba9876543213n);
  });

  it("stores a u64 result given as a number as the integer it holds, below and above 2^32 and 2^53", () => {
    let reading = 0;
    const probe = probeWith({
      clock_time_get(_id, _precision, result) {
        result.value = reading;
        return errno.success;
      },
    });
    // 1733222400 * 1e9 + 256 is a realtime reading in ns (steps of 256 there); the largest double below 2^64 is 2^64 - 2^11.
    for (const value of [
      0,
      1,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 32 + 1,
      1733222400 * 1e9 + 256,
      2 ** 53 - 1,
      2 ** 53 + 2,
      2 ** 63,
      2 ** 64 - 2 ** 11,
    ]) {
      reading = value;
      probe.view().setBigUint64(8, 0xaaaaaaaaaaaaaaaan, true);
      expect(probe.exports.clock_time_get(1, 1n, 8)).toBe(errno.success);
      expect(probe.view().getBigUint64(8, true), String(value)).toBe(BigInt(value));
    }
  });

  it("treats a u64 result that is no non-negative integer below 2^64 as a host failure and stores nothing", () => {
    let reading = 0;
    const probe = probeWith({
      clock_time_get(_id, _precision, result) {
        result.value = reading;
        return errno.success;
      },
    });
    for (const value of [-1, 0.5, 2 ** 40 + 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 64]) {
      reading = value;
      probe.view().setBigUint64(8, 7n, true);
      expect(probe.exports.clock_time_get(1, 1n, 8), String(value)).toBe(errno.io);
      expect(probe.view().getBigUint64(8, true)).toBe(7n);
    }
  });

  it("gives inval for oflags or rights bits the spec does not define", () => {
    const host = vi.fn(() => errno.success);
    const probe = probeWith({ path_open: host });
    probe.bytes().set(Buffer.from("a"), 100);
    expect(probe.exports.path_open(3, 0, 100, 1, 1 << 4, 0n, 0n, 0, 8)).toBe(errno.inval);
    expect(probe.exports.path_open(3, 0, 100, 1, 0, 1n << 40n, 0n, 0, 8)).toBe(errno.inval);
    expect(probe.exports.path_open(3, 1 << 5, 100, 1, 0, 0n, 0n, 0, 8)).toBe(errno.inval);
    expect(host).not.toHaveBeenCalled();
  });

  it("treats negative i64 rights as their unsigned bits (all set → inval)", () => {
    const probe = probeWith({ path_open: () => errno.success });
    probe.bytes().set(Buffer.from("a"), 100);
    expect(probe.exports.path_open(3, 0, 100, 1, 0, -1n, 0n, 0, 8)).toBe(errno.inval);
  });

  it("decodes a UTF-8 path and gives ilseq for invalid UTF-8", () => {
    let seen = "";
    const probe = probeWith({
      path_open(_fd, _dirflags, path, _oflags, _base, _inheriting, _fdflags, result) {
        seen = path;
        result.value = 5 as never;
        return errno.success;
      },
    });
    const name = Buffer.from("dïr/ファイル");
    probe.bytes().set(name, 100);
    expect(probe.exports.path_open(3, 1, 100, name.length, 0, 0n, 0n, 0, 8)).toBe(errno.success);
    expect(seen).toBe("dïr/ファイル");
    expect(probe.view().getUint32(8, true)).toBe(5);
    probe.bytes().set([0x61, 0xff, 0x62], 200);
    expect(probe.exports.path_open(3, 1, 200, 3, 0, 0n, 0n, 0, 8)).toBe(errno.ilseq);
  });
});

describe("host failures", () => {
  it("turns a host exception into io and reports it to the hook", () => {
    const reported: string[] = [];
    const probe = probeWith(
      {
        random_get() {
          throw new Error("disk on fire");
        },
      },
      { onHostError: (name, error) => void reported.push(`${name}: ${(error as Error).message}`) },
    );
    expect(probe.exports.random_get(0, 16)).toBe(errno.io);
    expect(reported).toEqual(["random_get: disk on fire"]);
  });

  it("lets the hook choose the errno", () => {
    const probe = probeWith(
      {
        random_get() {
          throw new Error("no entropy");
        },
      },
      { onHostError: () => errno.again },
    );
    expect(probe.exports.random_get(0, 16)).toBe(errno.again);
  });

  it("lets a passthrough error (the exit signal) unwind the guest", () => {
    class Exit extends Error {
      readonly [PASSTHROUGH] = true;
    }
    const probe = probeWith({
      proc_exit() {
        throw new Exit("exit 3");
      },
    });
    expect(() => probe.exports.proc_exit(3)).toThrow(Exit);
  });

  it("traps when proc_exit returns", () => {
    const probe = probeWith({ proc_exit: () => undefined });
    expect(() => probe.exports.proc_exit(0)).toThrow(/proc_exit returned/);
  });

  it("traps in the unimplemented host's proc_exit and answers nosys elsewhere", () => {
    const probe = probeWith({});
    expect(probe.exports.random_get(0, 4)).toBe(errno.nosys);
    expect(() => probe.exports.proc_exit(0)).toThrow(WebAssembly.RuntimeError);
  });
});

describe("typed records", () => {
  it("writes fdstat at the layout's offsets", () => {
    const probe = probeWith({
      fd_fdstat_get(_fd, result) {
        result.value = { fs_filetype: 4, fs_flags: 1, fs_rights_base: 0x1234n, fs_rights_inheriting: 0x5678n };
        return errno.success;
      },
    });
    expect(probe.exports.fd_fdstat_get(3, 64)).toBe(errno.success);
    const view = probe.view();
    expect([view.getUint8(64), view.getUint16(66, true), view.getBigUint64(72, true), view.getBigUint64(80, true)]).toEqual([
      4,
      1,
      0x1234n,
      0x5678n,
    ]);
  });

  it("stores u64 record fields whole, into memory grown since the last store too", () => {
    const rights = [0xfedc_ba98_7654_3210n, 0xffff_ffff_ffff_ffffn];
    const probe = probeWith({
      fd_fdstat_get(_fd, result) {
        result.value = { fs_filetype: 4, fs_flags: 0, fs_rights_base: rights[0], fs_rights_inheriting: rights[1] };
        return errno.success;
      },
    });
    expect(probe.exports.fd_fdstat_get(3, 64)).toBe(errno.success);
    expect(probe.exports.grow(1)).toBe(1);
    expect(probe.exports.fd_fdstat_get(3, PAGE + 64)).toBe(errno.success);
    const view = probe.view();
    for (const at of [64, PAGE + 64]) expect([view.getBigUint64(at + 8, true), view.getBigUint64(at + 16, true)]).toEqual(rights);
  });

  it("stores a u64 field through a plain DataView, at any offset", () => {
    const view = new DataView(new ArrayBuffer(24));
    setU64(view, 3, 0x0102_0304_0506_0708n);
    setU64(view, 16, 0x1112_1314_1516_1718n);
    expect([view.getBigUint64(3, true), view.getBigUint64(16, true)]).toEqual([0x0102_0304_0506_0708n, 0x1112_1314_1516_1718n]);
  });

  it("traps on an fdstat out-pointer that is not 8-aligned", () => {
    const probe = probeWith({ fd_fdstat_get: () => errno.success });
    expect(() => probe.exports.fd_fdstat_get(3, 68)).toThrow(/misaligned/);
  });

  it("reads subscriptions through a typed pointer and gives inval for a bad tag", () => {
    const probe = probeWith({
      poll_oneoff(subscriptions, _events, count, result) {
        const all = subscriptions.readArray(count);
        result.value = all.length;
        return errno.success;
      },
    });
    const view = probe.view();
    view.setBigUint64(64, 7n, true);
    view.setUint8(72, 0);
    view.setUint32(80, 1, true);
    expect(probe.exports.poll_oneoff(64, 256, 1, 8)).toBe(errno.success);
    view.setUint8(72, 9);
    expect(probe.exports.poll_oneoff(64, 256, 1, 8)).toBe(errno.inval);
  });
});

describe("shared memory", () => {
  it("works over an imported shared memory and sees it grow", async () => {
    const { watToBytes } = await import("./support/compile-wat.js");
    const { createPreview1Imports, unimplementedPreview1Host } = await import("../src/generated/preview1/index.js");
    const { GuestMemory } = await import("../src/runtime/index.js");
    const wasm = watToBytes(
      `(module
      (import "env" "memory" (memory 1 4 shared))
      (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
      (func (export "fill") (param i32 i32) (result i32) (call $random_get (local.get 0) (local.get 1)))
      (func (export "grow") (result i32) (memory.grow (i32.const 1))))`,
      { threads: true },
    );
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    const memory = new GuestMemory();
    const host = {
      ...unimplementedPreview1Host(),
      random_get(buffer: Uint8Array) {
        buffer.fill(0xab);
        return errno.success;
      },
    };
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), {
      env: { memory: shared },
      wasi_snapshot_preview1: createPreview1Imports(host, memory),
    });
    memory.attach(shared);
    const exports = instance.exports as { fill: (at: number, length: number) => number; grow: () => number };
    expect(exports.fill(PAGE - 4, 4)).toBe(errno.success);
    expect(() => exports.fill(PAGE, 4)).toThrow(WebAssembly.RuntimeError);
    expect(exports.grow()).toBe(1);
    expect(exports.fill(PAGE, 4)).toBe(errno.success);
    expect([...new Uint8Array(shared.buffer, PAGE - 4, 8)]).toEqual(Array(8).fill(0xab));
  });
});

describe("the error policy table (src/runtime/error-policy.ts)", () => {
  /** One call per kind of guest-caused failure, and the limits it needs. */
  const scenarios: Record<GuestErrorKind, { options?: GlueOptions; call: (probe: Probe) => number }> = {
    outOfBounds: { call: (probe) => probe.exports.fd_write(1, PAGE, 1, 8) },
    misaligned: { call: (probe) => probe.exports.fd_write(1, 16, 0, 9) },
    lengthOverflow: { call: (probe) => probe.exports.random_get(-16, 32) },
    badEnum: { call: (probe) => probe.exports.clock_time_get(4, 0n, 8) },
    badFlags: { call: (probe) => probe.exports.path_open(3, 0, 100, 1, 1 << 4, 0n, 0n, 0, 8) },
    badUtf8: {
      call: (probe) => {
        probe.bytes().set([0x61, 0xff], 100);
        return probe.exports.path_open(3, 0, 100, 2, 0, 0n, 0n, 0, 8);
      },
    },
    stringTooLong: { options: { limits: { maxPathBytes: 8 } }, call: (probe) => probe.exports.path_open(3, 0, 100, 9, 0, 0n, 0n, 0, 8) },
    listTooLong: { options: { limits: { maxIovecs: 4 } }, call: (probe) => probe.exports.fd_write(1, 16, 5, 8) },
    hostException: { call: (probe) => probe.exports.random_get(0, 16) },
  };
  const host: Partial<Preview1Host> = {
    fd_write: () => errno.success,
    path_open: () => errno.success,
    clock_time_get: () => errno.success,
    random_get() {
      throw new Error("host failure");
    },
  };

  for (const badPointer of ["trap", "fault"] as const) {
    it(`gives what the table says for every kind of failure, with badPointer "${badPointer}"`, () => {
      for (const [kind, entry] of Object.entries(errorPolicy) as [GuestErrorKind, (typeof errorPolicy)[GuestErrorKind]][]) {
        const scenario = scenarios[kind];
        const probe = probeWith(host, { ...scenario.options, badPointer });
        if (entry.outcome === "trap" && badPointer === "trap") {
          expect(() => scenario.call(probe), kind).toThrow(WebAssembly.RuntimeError);
        } else {
          expect(scenario.call(probe), kind).toBe(errno[entry.errno]);
        }
      }
    });
  }

  it("tells the three pointer failures apart", () => {
    const memory = new GuestMemory();
    memory.attach(new WebAssembly.Memory({ initial: 1 }));
    expect(memory.inRange(PAGE, 1, 1) || memory.lastFailure).toBe("outOfBounds");
    expect(memory.inRange(2, 4, 4) || memory.lastFailure).toBe("misaligned");
    expect(memory.inRange(0xffff_fff0, 32, 1) || memory.lastFailure).toBe("lengthOverflow");
  });
});
