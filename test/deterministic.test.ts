import { describe, expect, it } from "vitest";
import { seededRandomBytes } from "../src/impl/deterministic/seeded-random.js";
import { createVirtualTime } from "../src/impl/deterministic/virtual-time.js";
import { clockid } from "../src/generated/preview1/types.js";
import { captureOutput } from "../src/impl/stdio/output-sink.js";
import type { WasiOptions } from "../src/wasi/wasi.js";
import { runGuest } from "./support/run-guest.js";

const guest = "test/guests/bin/embedding/determinism.wasm";

function output(options: WasiOptions): string {
  const out = captureOutput();
  expect(runGuest(guest, { ...options, stdio: { stdout: out } })).toBe(0);
  return out.text();
}

function reading(text: string, label: string): bigint[] {
  return [...text.matchAll(new RegExp(`^${label}: (\\d+) \\(errno 0\\)$`, "gm"))].map((match) => BigInt(match[1]));
}

describe("deterministic mode on a guest that prints times and random bytes", () => {
  it("produces byte-identical output on two runs", () => {
    const options = { deterministic: { seed: 42, startTime: new Date("2024-01-02T03:04:05Z"), step: 1000n } };
    const first = output(options);
    const second = output(options);
    expect(second).toBe(first);
    expect(first).toMatch(/^random:( [0-9a-f]{2}){24}$/m);
  });

  it("differs between runs without it (the guest does observe time and randomness)", () => {
    expect(output({})).not.toBe(output({}));
  });

  it("differs with another seed only in the random bytes", () => {
    const a = output({ deterministic: { seed: 1 } }).split("\n");
    const b = output({ deterministic: { seed: 2 } }).split("\n");
    const differing = a.filter((line, i) => line !== b[i]);
    expect(differing.length).toBe(2);
    expect(differing.every((line) => line.startsWith("random:"))).toBe(true);
  });

  it("starts realtime at startTime and advances every reading by step; sleeping moves the clock instead of waiting", () => {
    const start = 1_700_000_000_000_000_000n;
    const started = Date.now();
    const text = output({ deterministic: { startTime: start, step: 10n } });
    const realtime = reading(text, "realtime");
    const monotonic = reading(text, "monotonic");
    expect(realtime[0]).toBe(start);
    // Realtime and monotonic share one count of readings: r, m, (cpu, cpu), r, m.
    expect(monotonic[0]).toBe(10n);
    expect(realtime[1]).toBe(start + 20n);
    expect(monotonic[1]).toBe(30n);
    expect(reading(text, "process cputime")).toEqual([0n, 20n]);
    const [afterSleep] = reading(text, "monotonic after 5 ms sleep");
    expect(afterSleep).toBeGreaterThanOrEqual(monotonic[1] + 5_000_000n);
    expect(afterSleep).toBeLessThan(monotonic[1] + 6_000_000n);
    expect(text).toContain(`time(): ${start / 1_000_000_000n}\n`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("the pieces", () => {
  it("seeded random bytes repeat for one seed and spread over all byte values", () => {
    const a = new Uint8Array(4096);
    const b = new Uint8Array(4096);
    seededRandomBytes("seed")(a);
    seededRandomBytes("seed")(b);
    expect(b).toEqual(a);
    expect(new Set(a).size).toBe(256);
    const other = new Uint8Array(4096);
    seededRandomBytes("seeds")(other);
    expect(other).not.toEqual(a);
  });

  it("a virtual clock reports its step as the resolution and refuses a negative step", () => {
    expect(createVirtualTime({ step: 250n }).clock.resolution(clockid.monotonic)).toBe(250n);
    expect(() => createVirtualTime({ step: -1n })).toThrow(RangeError);
  });

  it("option values of the wrong type are reported by name", () => {
    expect(() => output({ deterministic: { step: 5 as never } })).toThrow(/"options.deterministic.step" property must be of type bigint/);
    expect(() => output({ deterministic: "yes" as never })).toThrow(/"options.deterministic" property/);
  });
});
