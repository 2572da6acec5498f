// args_* and environ_* through the generated glue: sizes, the packed
// NUL-terminated buffer and the pointer table, with non-ASCII and empty strings.
import { afterEach, describe, expect, it } from "vitest";
import { errno } from "../src/generated/preview1/types.js";
import { Harness } from "./support/node-host-harness.js";

const args = ["prog", "héllo wörld", "", "日本語", "a=b"];
const env = ["GREETING=grüße", "EMPTY=", "EQUATION=x=1=y"];
let h: Harness;

afterEach(() => h.close());

function sizes(call: (count: number, bytes: number) => number): [number, number, number] {
  const count = h.alloc(4, 4);
  const bytes = h.alloc(4, 4);
  const error = call(count, bytes);
  return [error, h.u32(count), h.u32(bytes)];
}

function strings(call: (table: number, buffer: number) => number, count: number, size: number): string[] {
  const table = h.alloc(4 * Math.max(count, 1), 4);
  const buffer = h.alloc(Math.max(size, 1), 1);
  expect(call(table, buffer)).toBe(errno.success);
  const result: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = h.u32(table + 4 * i);
    let end = start;
    while (h.bytes[end] !== 0) end++;
    result.push(h.text(start, end - start));
  }
  return result;
}

const byteLength = (list: string[]) => list.reduce((sum, text) => sum + new TextEncoder().encode(text).length + 1, 0);

describe("args", () => {
  it("args_sizes_get reports the count and the bytes with NULs", () => {
    h = new Harness({ args });
    expect(sizes(h.imports.args_sizes_get)).toEqual([errno.success, args.length, byteLength(args)]);
  });

  it("args_get writes the strings back to back with pointers to each", () => {
    h = new Harness({ args });
    const [, count, size] = sizes(h.imports.args_sizes_get);
    expect(strings(h.imports.args_get, count, size)).toEqual(args);
  });

  it("the strings are packed: each pointer follows the previous string's NUL", () => {
    h = new Harness({ args });
    const table = h.alloc(4 * args.length, 4);
    const buffer = h.alloc(byteLength(args), 1);
    h.imports.args_get(table, buffer);
    expect(h.u32(table)).toBe(buffer);
    for (let i = 1; i < args.length; i++) {
      expect(h.u32(table + 4 * i)).toBe(h.u32(table + 4 * (i - 1)) + new TextEncoder().encode(args[i - 1]).length + 1);
    }
  });

  it("no arguments: zero sizes, and args_get writes nothing", () => {
    h = new Harness({ args: [] });
    expect(sizes(h.imports.args_sizes_get)).toEqual([errno.success, 0, 0]);
    expect(h.imports.args_get(h.alloc(4, 4), h.alloc(4, 1))).toBe(errno.success);
  });

  it("a buffer running past the end of memory traps", () => {
    h = new Harness({ args });
    const end = h.memory.buffer.byteLength - 3;
    expect(() => h.imports.args_get(h.alloc(64, 4), end)).toThrow(WebAssembly.RuntimeError);
  });
});

describe("environ", () => {
  it("environ_sizes_get and environ_get give the KEY=VALUE strings in order", () => {
    h = new Harness({ env });
    const [error, count, size] = sizes(h.imports.environ_sizes_get);
    expect([error, count, size]).toEqual([errno.success, env.length, byteLength(env)]);
    expect(strings(h.imports.environ_get, count, size)).toEqual(env);
  });

  it("repeated calls give the same strings, wherever the guest puts them", () => {
    h = new Harness({ env });
    for (let i = 0; i < 3; i++) {
      expect(strings(h.imports.environ_get, env.length, byteLength(env))).toEqual(env);
    }
    const table = h.alloc(4 * env.length, 4);
    const buffer = h.alloc(byteLength(env), 1);
    h.imports.environ_get(table, buffer);
    h.imports.environ_get(table, buffer);
    expect(h.u32(table)).toBe(buffer);
  });

  it("a misaligned pointer table traps", () => {
    h = new Harness({ env });
    const table = h.alloc(4 * env.length + 4, 4) + 2;
    expect(() => h.imports.environ_get(table, h.alloc(byteLength(env), 1))).toThrow(WebAssembly.RuntimeError);
  });
});
