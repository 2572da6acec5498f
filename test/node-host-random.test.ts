// random_get through the generated glue: small requests from the pool, large
// ones filled in place, never the same bytes twice.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errno } from "../src/generated/preview1/types.js";
import { Harness } from "./support/node-host-harness.js";

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(() => h.close());

function random(length: number): Uint8Array {
  const at = h.alloc(Math.max(length, 1), 1);
  expect(h.imports.random_get(at, length)).toBe(errno.success);
  return h.take(at, length);
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("random_get", () => {
  it("never hands out the same small chunk twice, across pool refills", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) seen.add(hex(random(32)));
    expect(seen.size).toBe(600);
  });

  it("fills only the requested range", () => {
    const at = h.alloc(40, 1);
    h.bytes.fill(0xee, at, at + 40);
    h.imports.random_get(at + 4, 32);
    expect([...h.take(at, 4), ...h.take(at + 36, 4)]).toEqual(new Array(8).fill(0xee));
  });

  it("fills a large buffer with bytes that look random", () => {
    const bytes = random(1 << 20);
    const counts = new Array<number>(256).fill(0);
    for (const byte of bytes) counts[byte]++;
    const expected = bytes.length / 256;
    // Every byte value occurs, none wildly more often than the others.
    expect(Math.min(...counts)).toBeGreaterThan(expected * 0.8);
    expect(Math.max(...counts)).toBeLessThan(expected * 1.2);
  });

  it("accepts 0 bytes, even at the end of memory", () => {
    expect(h.imports.random_get(h.memory.buffer.byteLength, 0)).toBe(errno.success);
  });

  it("traps on a buffer outside memory", () => {
    expect(() => h.imports.random_get(h.memory.buffer.byteLength - 4, 8)).toThrow(WebAssembly.RuntimeError);
  });
});
