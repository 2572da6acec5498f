// The native clock_time_get, random_get and fd_read (native/fast/fast-calls.cc,
// src/impl/node/native-fast-calls.ts): wasm calls them without entering
// JavaScript, and every case they do not serve must answer exactly as the
// JavaScript glue does. The reference is the same WASI object kind with a
// `host` option that wraps those methods: a method that is not the Node
// host's own keeps the glue alone. Reads mixed with every other call on the
// same fds are test/guests/c/reads.c, run on both hosts by
// test/guests-differential.test.ts.
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadAddon } from "../src/impl/node/addon-file.js";
import {
  createNativeState,
  freshHostFdsAt,
  lendableFds,
  lentSlots,
  marksAt,
  slotGuestFd,
  slotHostFd,
  slotPosition,
} from "../src/impl/node/native-fast-calls.js";
import { captureOutput, runInWorker, WASI, type WasiOptions } from "../src/index.js";
import { watToBytes } from "./support/compile-wat.js";

const fastAddonExpected =
  process.platform === "linux" &&
  process.versions.v8.startsWith("11.3.") &&
  process.env.WITX_WASI_NATIVE !== "0" &&
  existsSync(new URL("../native/fast/build/Release/witx_wasi_fast.node", import.meta.url));

const probe = new WebAssembly.Module(
  watToBytes(`(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "read") (param $fd i32) (param $iovs i32) (param $count i32) (param $result i32) (result i32)
    (call $read (local.get $fd) (local.get $iovs) (local.get $count) (local.get $result)))
  (func (export "time") (param $id i32) (param $at i32) (result i32)
    (call $clock (local.get $id) (i64.const 1) (local.get $at)))
  (func (export "random") (param $at i32) (param $length i32) (result i32)
    (call $random (local.get $at) (local.get $length)))
  (func (export "grow") (result i32) (memory.grow (i32.const 1))))`),
);

interface Probe {
  memory: WebAssembly.Memory;
  time(id: number, at: number): number;
  random(at: number, length: number): number;
  read(fd: number, iovs: number, count: number, result: number): number;
  grow(): number;
}

const made: WASI[] = [];
afterEach(() => {
  for (const wasi of made.splice(0)) wasi.close();
});

function wasiWith(options: Partial<WasiOptions> = {}): WASI {
  const wasi = new WASI({ version: "preview1", ...options });
  made.push(wasi);
  return wasi;
}

function started(wasi: WASI): Probe {
  const instance = new WebAssembly.Instance(probe, wasi.getImportObject() as WebAssembly.Imports);
  wasi.initialize(instance);
  return instance.exports as unknown as Probe;
}

/** A WASI object whose clock, random and read methods are wrappers: the glue serves every call. */
function glueOnly(options: Partial<WasiOptions> = {}): WASI {
  return wasiWith({
    ...options,
    host: (host) => ({
      ...host,
      clock_time_get: (...args) => host.clock_time_get(...args),
      random_get: (...args) => host.random_get(...args),
      fd_read: (...args) => host.fd_read(...args),
    }),
  });
}

function u64(probe: Probe, at: number): bigint {
  return new DataView(probe.memory.buffer).getBigUint64(at, true);
}

function outcome(run: () => number): string {
  try {
    return `returned ${run()}`;
  } catch (error) {
    return `threw ${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

// A glue import is a method of the generated glue class bound to its import object, so its source
// reads "[native code]" too; its name ("bound fd_read", by the rules of bind) tells it from the addon's.
const isNative = (fn: unknown) =>
  typeof fn === "function" && Function.prototype.toString.call(fn).includes("[native code]") && !/^bound [a-z_]+$/.test(fn.name);

describe.runIf(fastAddonExpected)("the fast-call addon", () => {
  type Import = (...args: unknown[]) => number;
  interface FastCalls {
    clock_time_get: Import;
    random_get: Import;
    fd_read: Import;
    bindMemory(state: ArrayBuffer, buffer: ArrayBufferLike | null): void;
  }
  const addon = loadAddon<FastCalls>("native/fast", "witx_wasi_fast.node");
  function made(glue: () => number, state: ArrayBuffer) {
    if (addon === null) throw new Error("the install step did not build native/fast/fast-calls.cc");
    const names = ["clock_time_get", "random_get", "fd_read"] as const;
    // What the native side passes on goes to the function of the same name in the state's `glue`.
    Object.defineProperty(state, "glue", { value: Object.fromEntries(names.map((name) => [name, glue])) });
    const imports = Object.fromEntries(names.map((name) => [name, addon[name].bind(state)])) as Record<(typeof names)[number], Import>;
    const guest = new WebAssembly.Instance(probe, { wasi_snapshot_preview1: imports }).exports as unknown as Probe;
    return { addon, imports, guest };
  }

  /**
   * A state bound to a new guest's memory, with a glue that counts, and a host file of
   * 16 bytes ("0123456789abcdef") open for reading, closed after `use`.
   */
  function withHostFile(
    use: (fixture: {
      counted: { calls: number };
      state: ArrayBuffer;
      guest: Probe;
      hostFd: number;
      words: Int32Array;
      positions: Float64Array;
      view: DataView;
    }) => void,
  ): void {
    const counted = countingGlue();
    const state = createNativeState(2);
    const { addon, guest } = made(counted.glue, state);
    addon.bindMemory(state, guest.memory.buffer);
    const folder = mkdtempSync(join(tmpdir(), "fast-read-"));
    const file = join(folder, "data.txt");
    writeFileSync(file, "0123456789abcdef");
    const hostFd = openSync(file, "r");
    try {
      use({
        counted,
        state,
        guest,
        hostFd,
        words: new Int32Array(state),
        positions: new Float64Array(state),
        view: new DataView(guest.memory.buffer),
      });
    } finally {
      closeSync(hostFd);
      rmSync(folder, { recursive: true, force: true });
    }
  }

  /** A stand-in for the glue that answers 77 and counts its calls. */
  function countingGlue() {
    const counted = { calls: 0, glue: () => (counted.calls++, 77) };
    return counted;
  }

  it("is called by wasm without its glue, once bound to the caller's memory, and calls the glue otherwise", () => {
    const counted = countingGlue();
    const state = createNativeState(1024);
    const { addon, imports, guest } = made(counted.glue, state);
    // Bound to a state too small, or to one without its glue: nothing is done natively, and the call throws.
    expect(() => addon.clock_time_get.bind(new ArrayBuffer(8))(1, 1n, 8)).toThrow("a native WASI import called without its glue");
    // Not bound yet: every call is the glue's.
    expect(guest.time(1, 8)).toBe(77);
    expect(guest.random(8, 8)).toBe(77);
    expect(counted.calls).toBe(2);
    addon.bindMemory(state, guest.memory.buffer);
    for (let i = 0; i < 10_000; i++) {
      expect(guest.time(i & 1, 8)).toBe(0);
      expect(guest.random(16, 32)).toBe(0);
    }
    expect(counted.calls).toBe(2);
    // What it does not serve goes to the glue; so does a caller in JavaScript.
    expect([guest.time(2, 8), guest.time(1, 9), guest.random(0, 257), imports.clock_time_get(1, 1n, 8)]).toEqual([77, 77, 77, 77]);
    expect(counted.calls).toBe(6);
    addon.bindMemory(state, null);
    expect(guest.time(1, 8)).toBe(77);
  });

  it("reads a lent fd with preadv at the shared position, and passes everything else to the glue", () => {
    withHostFile(({ counted, state, guest, hostFd, words, positions, view }) => {
      const bytes = new Uint8Array(guest.memory.buffer);
      const text = (at: number, length: number) => Buffer.from(bytes.subarray(at, at + length)).toString();
      // iovecs at 64: [200, 3] [300, 4]; the count goes to 96.
      const iovecs = (list: [number, number][]) => {
        for (const [i, [at, length]] of list.entries()) {
          view.setUint32(64 + 8 * i, at, true);
          view.setUint32(68 + 8 * i, length, true);
        }
      };
      iovecs([
        [200, 3],
        [300, 4],
      ]);
      const marks = new Uint8Array(state, marksAt, lendableFds);
      // Nothing lent: the glue.
      expect(guest.read(9, 64, 2, 96)).toBe(77);
      words[slotGuestFd(5)] = 9;
      words[slotHostFd(5)] = hostFd;
      positions[slotPosition(5)] = 2;
      // A slot holds an fd only with the fd's mark naming it.
      expect(guest.read(9, 64, 2, 96)).toBe(77);
      marks[9] = 2 + 4;
      expect(guest.read(9, 64, 2, 96)).toBe(77);
      marks[9] = 2 + 5;
      expect(guest.read(9, 64, 2, 96)).toBe(0);
      expect([view.getUint32(96, true), text(200, 3), text(300, 4), positions[slotPosition(5)]]).toEqual([7, "234", "5678", 9]);
      expect(guest.read(9, 64, 1, 96)).toBe(0);
      expect([view.getUint32(96, true), text(200, 3), positions[slotPosition(5)]]).toEqual([3, "9ab", 12]);
      iovecs([[200, 16]]);
      expect(guest.read(9, 64, 1, 96)).toBe(0);
      expect([view.getUint32(96, true), text(200, 4), positions[slotPosition(5)]]).toEqual([4, "cdef", 16]);
      expect(guest.read(9, 64, 1, 96)).toBe(0);
      expect(view.getUint32(96, true)).toBe(0);
      expect(counted.calls).toBe(3);
      // Another fd, more iovecs than the limit (2), none, a list or buffer out of range, a misaligned result: the glue.
      iovecs([
        [200, 1],
        [201, 1],
        [202, 1],
      ]);
      expect(guest.read(8, 64, 1, 96)).toBe(77);
      expect(guest.read(9, 64, 3, 96)).toBe(77);
      expect(guest.read(9, 64, 0, 96)).toBe(77);
      expect(guest.read(9, 65536 - 4, 1, 96)).toBe(77);
      iovecs([[65536 - 2, 4]]);
      expect(guest.read(9, 64, 1, 96)).toBe(77);
      iovecs([[200, 1]]);
      expect(guest.read(9, 64, 1, 98)).toBe(77);
      expect(guest.read(9, 64, 1, 65536 - 2)).toBe(77);
      // A host fd that cannot be read (closed): preadv fails, the glue answers, the position stays.
      words[slotHostFd(5)] = 1_000_000;
      expect(guest.read(9, 64, 1, 96)).toBe(77);
      expect(positions[slotPosition(5)]).toBe(16);
      expect(counted.calls).toBe(11);
    });
  });

  it.runIf(fastAddonExpected)("fd_read lends a fresh fd to a free slot at its first read, and passes it on when none is free", () => {
    withHostFile(({ counted, state, guest, hostFd, words, positions, view }) => {
      const marks = new Uint8Array(state, marksAt, lendableFds);
      const freshHostFds = new Int32Array(state, freshHostFdsAt, lendableFds);
      const text = (at: number, length: number) => Buffer.from(new Uint8Array(guest.memory.buffer, at, length)).toString();
      view.setUint32(64, 200, true);
      view.setUint32(68, 5, true);
      // Every slot taken: the glue, and the fd stays fresh.
      for (let slot = 0; slot < lentSlots; slot++) words[slotGuestFd(slot)] = 100 + slot;
      freshHostFds[12] = hostFd;
      marks[12] = 1;
      expect(guest.read(12, 64, 1, 96)).toBe(77);
      expect(marks[12]).toBe(1);
      // Slot 3 free: the fd is lent there, at position 0, and read.
      words[slotGuestFd(3)] = -1;
      expect(guest.read(12, 64, 1, 96)).toBe(0);
      expect([marks[12], words[slotGuestFd(3)], words[slotHostFd(3)], view.getUint32(96, true), text(200, 5)]).toEqual([
        2 + 3,
        12,
        hostFd,
        5,
        "01234",
      ]);
      expect(guest.read(12, 64, 1, 96)).toBe(0);
      expect([text(200, 5), positions[slotPosition(3)]]).toEqual(["56789", 10]);
      // An fd at or past the marks: the glue.
      expect(guest.read(lendableFds, 64, 1, 96)).toBe(77);
      expect(counted.calls).toBe(2);
    });
  });
});

describe("native imports of the Node WASI class", () => {
  it.runIf(fastAddonExpected)("are clock_time_get, random_get and fd_read, and only those", () => {
    const imports = wasiWith().wasiImport as unknown as Record<string, unknown>;
    const native = Object.keys(imports).filter((name) => isNative(imports[name]));
    expect(native.sort()).toEqual(["clock_time_get", "fd_read", "random_get"]);
    expect(isNative(glueOnly().wasiImport.clock_time_get)).toBe(false);
  });

  it("are not used when the host's clock or randomness is not the Node host's, or with trace", () => {
    for (const options of [{ deterministic: true }, { trace: () => {} }] as Partial<WasiOptions>[]) {
      const imports = wasiWith(options).wasiImport;
      expect(isNative(imports.clock_time_get)).toBe(false);
      expect(isNative(imports.random_get)).toBe(false);
    }
    const fakeClock = wasiWith({
      host: (host) => ({
        ...host,
        clock_time_get: (_id, _precision, result) => {
          result.value = 42n;
          return 0;
        },
      }),
    });
    const guest = started(fakeClock);
    expect(guest.time(1, 16)).toBe(0);
    expect(u64(guest, 16)).toBe(42n);
    // Its random_get is still the Node host's own, so that one may be native.
    expect(guest.random(64, 16)).toBe(0);
  });

  it("serve one WASI object per host: a host given to a second one leaves it the glue, and each writes its own memory", () => {
    let shared: Parameters<NonNullable<WasiOptions["host"]>>[0] | undefined;
    const first = wasiWith({ host: (base) => (shared = base) });
    const second = wasiWith({ host: () => shared as NonNullable<typeof shared> });
    if (fastAddonExpected) expect(isNative(first.wasiImport.clock_time_get)).toBe(true);
    expect(isNative(second.wasiImport.clock_time_get)).toBe(false);
    const one = started(first);
    const two = started(second);
    expect([one.time(1, 8), two.time(1, 16)]).toEqual([0, 0]);
    expect([u64(one, 8) > 0n, u64(one, 16), u64(two, 16) > 0n, u64(two, 8)]).toEqual([true, 0n, true, 0n]);
  });

  it("read the monotonic and realtime clocks as the JavaScript host does", () => {
    const guest = started(wasiWith());
    const before = process.hrtime.bigint();
    expect(guest.time(1, 8)).toBe(0);
    const reading = u64(guest, 8);
    const after = process.hrtime.bigint();
    expect(reading >= before && reading <= after).toBe(true);
    let previous = reading;
    for (let i = 0; i < 1000; i++) {
      guest.time(1, 8);
      const next = u64(guest, 8);
      expect(next >= previous).toBe(true);
      previous = next;
    }
    const wallBefore = BigInt(Date.now()) * 1_000_000n;
    expect(guest.time(0, 24)).toBe(0);
    const wallAfter = BigInt(Date.now() + 1) * 1_000_000n;
    expect(u64(guest, 24) >= wallBefore - 3_000_000n && u64(guest, 24) <= wallAfter + 3_000_000n).toBe(true);
  });

  it("answer every case they do not serve exactly as the glue does", () => {
    const cases: [string, (guest: Probe) => number][] = [
      ["process CPU time", (guest) => (guest.time(2, 8) === 0 && u64(guest, 8) > 0n ? 0 : -1)],
      ["thread CPU time", (guest) => (guest.time(3, 8) === 0 && u64(guest, 8) > 0n ? 0 : -1)],
      ["an unknown clock", (guest) => guest.time(4, 8)],
      ["clock id 2^32 - 1", (guest) => guest.time(-1, 8)],
      ["a misaligned result", (guest) => guest.time(1, 12)],
      ["a result past the end", (guest) => guest.time(1, 65536 - 4)],
      ["a result at 2^32 - 8", (guest) => guest.time(1, -8)],
      ["random bytes past the end", (guest) => guest.random(65536 - 8, 16)],
      ["random bytes wrapping around", (guest) => guest.random(-8, 16)],
      [
        "257 random bytes",
        (guest) => (guest.random(0, 257) === 0 && new Uint8Array(guest.memory.buffer, 0, 257).some((byte) => byte !== 0) ? 0 : -1),
      ],
      ["no random bytes at the very end", (guest) => guest.random(65536, 0)],
    ];
    for (const badPointer of ["trap", "fault"] as const) {
      for (const [name, run] of cases) {
        const ours = outcome(() => run(started(wasiWith({ badPointer }))));
        const glue = outcome(() => run(started(glueOnly({ badPointer }))));
        expect(`${badPointer}, ${name}: ${ours}`).toBe(`${badPointer}, ${name}: ${glue}`);
      }
    }
  });

  it("throw node:wasi's not-started error before initialize, as the glue does", () => {
    for (const make of [wasiWith, glueOnly]) {
      const wasi = make();
      const instance = new WebAssembly.Instance(probe, wasi.getImportObject() as WebAssembly.Imports);
      const guest = instance.exports as unknown as Probe;
      expect(outcome(() => guest.time(1, 8))).toBe("threw Error: wasi.start() has not been called");
      expect(outcome(() => guest.random(8, 8))).toBe("threw Error: wasi.start() has not been called");
    }
  });

  it("write only the started instance's memory: another instance sharing the imports gets the glue's answer", () => {
    for (const make of [wasiWith, glueOnly]) {
      const wasi = make();
      const first = started(wasi);
      const other = new WebAssembly.Instance(probe, wasi.getImportObject() as WebAssembly.Imports).exports as unknown as Probe;
      expect(other.time(1, 32)).toBe(0);
      expect(other.random(40, 8)).toBe(0);
      // The glue writes the memory it was started with, whoever calls.
      expect(u64(other, 32)).toBe(0n);
      expect(u64(other, 40)).toBe(0n);
      expect(u64(first, 32) > 0n).toBe(true);
    }
  });

  it("keep serving after the memory grows, with its new end as the bound", () => {
    for (const make of [wasiWith, glueOnly]) {
      const guest = started(make());
      expect(guest.grow()).toBe(1);
      expect(guest.time(1, 65536 + 8)).toBe(0);
      expect(u64(guest, 65536 + 8) > 0n).toBe(true);
      expect(guest.random(2 * 65536 - 256, 256)).toBe(0);
      expect(outcome(() => guest.random(2 * 65536 - 255, 256))).toMatch(/^threw RuntimeError/);
      expect(outcome(() => guest.time(1, 2 * 65536 - 4))).toMatch(/^threw RuntimeError/);
    }
  });

  it("hand out random bytes that differ between requests, up to 256 at a time", () => {
    const guest = started(wasiWith());
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      expect(guest.random(1024, 32)).toBe(0);
      seen.add(Buffer.from(guest.memory.buffer, 1024, 32).toString("hex"));
    }
    expect(seen.size).toBe(5000);
    const bytes = new Uint8Array(guest.memory.buffer, 4096, 256);
    expect(guest.random(4096, 256)).toBe(0);
    // 256 bytes all zero: 2^-2048.
    expect(bytes.some((byte) => byte !== 0)).toBe(true);
    // Every byte value turns up in 5000 × 32 bytes of a uniform source.
    const counts = new Set<number>();
    for (let i = 0; i < 200; i++) {
      guest.random(8192, 256);
      for (const byte of new Uint8Array(guest.memory.buffer, 8192, 256)) counts.add(byte);
    }
    expect(counts.size).toBe(256);
  });
});

// A command for the worker runner: reads the monotonic clock `count` times (each reading must not
// be below the one before), asks for 32 random bytes as often, and prints the last reading's
// nanoseconds and "ok", or "bad" when the clock went back or a call failed.
const clockCommand = watToBytes(`(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 200) "ok\\n")
  (data (i32.const 208) "bad\\n")
  (func (export "_start") (local $i i32) (local $last i64) (local $failed i32)
    (loop $again
      (local.set $failed (i32.or (local.get $failed) (call $clock (i32.const 1) (i64.const 1) (i32.const 8))))
      (local.set $failed (i32.or (local.get $failed) (i64.lt_u (i64.load (i32.const 8)) (local.get $last))))
      (local.set $last (i64.load (i32.const 8)))
      (local.set $failed (i32.or (local.get $failed) (call $random (i32.const 64) (i32.const 32))))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (i32.const 1000))))
    (i32.store (i32.const 100) (select (i32.const 208) (i32.const 200) (local.get $failed)))
    (i32.store (i32.const 104) (select (i32.const 4) (i32.const 3) (local.get $failed)))
    (drop (call $write (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 112)))))`);

describe("the worker runner with the Node host's clock and randomness", () => {
  it("serves them in the worker, where the readings never go back", async () => {
    const stdout = captureOutput();
    const before = process.hrtime.bigint();
    expect(await runInWorker(clockCommand, { version: "preview1", stdio: { stdout } })).toBe(0);
    expect(stdout.text()).toBe("ok\n");
    expect(process.hrtime.bigint() > before).toBe(true);
  });

  it("forwards every call when the host's clock is another", async () => {
    let clockCalls = 0;
    let randomCalls = 0;
    const stdout = captureOutput();
    const code = await runInWorker(clockCommand, {
      version: "preview1",
      stdio: { stdout },
      host: (base) => ({
        ...base,
        clock_time_get: (id, precision, result) => {
          clockCalls++;
          return base.clock_time_get(id, precision, result);
        },
        random_get: (buffer) => {
          randomCalls++;
          return base.random_get(buffer);
        },
      }),
    });
    expect([code, stdout.text(), clockCalls, randomCalls]).toEqual([0, "ok\n", 1000, 1000]);
  });
});
