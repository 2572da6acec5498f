// clock_res_get and clock_time_get through the generated glue.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clockid, errno, type Clockid } from "../src/generated/preview1/types.js";
import { Harness } from "./support/node-host-harness.js";

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(() => h.close());

function time(id: number, precision = 0n): [number, bigint] {
  const out = h.alloc(8, 8);
  const error = h.imports.clock_time_get(id, precision, out);
  return [error, h.u64(out)];
}

function resolution(id: number): [number, bigint] {
  const out = h.alloc(8, 8);
  const error = h.imports.clock_res_get(id, out);
  return [error, h.u64(out)];
}

function burn(milliseconds: number): void {
  const end = performance.now() + milliseconds;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
}

const ids: Clockid[] = [clockid.realtime, clockid.monotonic, clockid.process_cputime_id, clockid.thread_cputime_id];

describe("clock_res_get", () => {
  it("gives a non-zero resolution for every clock", () => {
    for (const id of ids) {
      const [error, value] = resolution(id);
      expect(error).toBe(errno.success);
      expect(value > 0n).toBe(true);
    }
    expect(resolution(clockid.monotonic)[1]).toBe(1n);
  });

  it("refuses an unknown clock id with inval", () => {
    expect(resolution(4)[0]).toBe(errno.inval);
    expect(resolution(-1)[0]).toBe(errno.inval);
  });
});

describe("clock_time_get", () => {
  it("realtime agrees with Date.now() to within a few milliseconds, with sub-millisecond steps", () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const [error, value] = time(clockid.realtime);
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    expect(error).toBe(errno.success);
    expect(value >= before - 3_000_000n && value <= after + 3_000_000n).toBe(true);
    const readings = new Set(Array.from({ length: 50 }, () => time(clockid.realtime)[1] % 1_000_000n));
    expect(readings.size).toBeGreaterThan(1);
  });

  it("monotonic never goes back and follows elapsed time", () => {
    let previous = time(clockid.monotonic)[1];
    for (let i = 0; i < 1000; i++) {
      const next = time(clockid.monotonic)[1];
      expect(next >= previous).toBe(true);
      previous = next;
    }
    const start = time(clockid.monotonic)[1];
    const wallStart = performance.now();
    burn(15);
    const elapsed = Number(time(clockid.monotonic)[1] - start) / 1e6;
    expect(Math.abs(elapsed - (performance.now() - wallStart))).toBeLessThan(5);
  });

  it("the CPU-time clocks grow while the program computes", () => {
    for (const id of [clockid.process_cputime_id, clockid.thread_cputime_id]) {
      const [, start] = time(id);
      // 30 ms of this process's CPU time, not of wall time: on a loaded machine 30 ms of
      // wall time may hold only a few milliseconds of CPU.
      const cpuStart = process.cpuUsage();
      for (let used = 0; used < 30_000; ) {
        burn(1);
        const spent = process.cpuUsage(cpuStart);
        used = spent.user + spent.system;
      }
      const [error, end] = time(id);
      expect(error).toBe(errno.success);
      expect(end - start >= 10_000_000n).toBe(true);
    }
  });

  it("accepts any precision and refuses an unknown clock id", () => {
    expect(time(clockid.realtime, 0xffffffffffffffffn)[0]).toBe(errno.success);
    expect(time(4)[0]).toBe(errno.inval);
  });
});
