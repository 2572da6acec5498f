import { describe, expect, it } from "vitest";
import { errno, eventtype, filetype } from "../src/generated/preview1/types.js";
import { blankFilestat } from "../src/impl/description.js";
import { ConsoleLineSink } from "../src/impl/stdio/console-sink.js";
import { InputSourceDescription } from "../src/impl/stdio/input-source.js";
import { OutputSinkDescription } from "../src/impl/stdio/output-sink.js";

const decoder = new TextDecoder();

describe("InputSourceDescription", () => {
  it("fills several buffers in order and then reports end of file", () => {
    const input = new InputSourceDescription("abcdefg");
    const first = new Uint8Array(3);
    const second = new Uint8Array(3);
    const result = { value: -1 };
    expect(input.read([first, second], 0, result)).toBe(errno.success);
    expect(result.value).toBe(6);
    expect(decoder.decode(first) + decoder.decode(second)).toBe("abcdef");
    input.read([first], 0, result);
    expect(result.value).toBe(1);
    input.read([first], 0, result);
    expect(result.value).toBe(0);
  });

  it("copies the bytes it is given, so the embedder may reuse its buffer", () => {
    const bytes = new TextEncoder().encode("keep");
    const input = new InputSourceDescription(bytes);
    bytes.fill(0);
    const into = new Uint8Array(4);
    input.read([into], 0, { value: 0 });
    expect(decoder.decode(into)).toBe("keep");
  });

  it("keeps the part of a source chunk that did not fit for the next read, and stops asking after the end", () => {
    let calls = 0;
    const input = new InputSourceDescription(() => (calls++ === 0 ? "0123456789" : null));
    const small = new Uint8Array(4);
    const result = { value: 0 };
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      input.read([small], 0, result);
      seen.push(decoder.decode(small.subarray(0, result.value)));
    }
    expect(seen).toEqual(["0123", "4567", "89", "", ""]);
    expect(calls).toBe(2);
  });

  it("stats as a stream, overwriting every field, with the buffered size, and is always ready to read", () => {
    const input = new InputSourceDescription("xyz");
    const stat = { ...blankFilestat(), ino: 99n, mtim: 5n };
    expect(input.stat(stat)).toBe(errno.success);
    expect(stat).toEqual({ dev: 0n, ino: 0n, filetype: filetype.unknown, nlink: 1n, size: 3n, atim: 0n, mtim: 0n, ctim: 0n });
    const nbytes = { value: 0n };
    expect(input.readiness(eventtype.fd_read, nbytes)).toBe(errno.success);
    expect(nbytes.value).toBe(3n);
  });

  it("cannot be written", () => {
    expect(new InputSourceDescription("").write([new Uint8Array(1)], 0, { value: 0 })).toBe(errno.badf);
  });
});

describe("OutputSinkDescription", () => {
  it("delivers one joined copy per write and counts every byte", () => {
    const got: Uint8Array[] = [];
    const sink = new OutputSinkDescription((bytes) => got.push(bytes));
    const a = new TextEncoder().encode("ab");
    const b = new TextEncoder().encode("cd");
    const result = { value: 0 };
    expect(sink.write([a, b], 0, result)).toBe(errno.success);
    expect(result.value).toBe(4);
    a.fill(0);
    expect(got.map((chunk) => decoder.decode(chunk))).toEqual(["abcd"]);
  });

  it("does not call the receiver for an empty write", () => {
    let calls = 0;
    new OutputSinkDescription(() => calls++).write([new Uint8Array(0)], 0, { value: 0 });
    expect(calls).toBe(0);
  });

  it("cannot be read", () => {
    expect(new OutputSinkDescription(() => {}).read([new Uint8Array(1)], 0, { value: 0 })).toBe(errno.badf);
  });
});

describe("ConsoleLineSink", () => {
  it("prints whole lines, joins a line split across writes and a UTF-8 character split across writes, and flushes the rest on close", () => {
    const lines: string[] = [];
    const sink = new ConsoleLineSink((line) => lines.push(line));
    const bytes = new TextEncoder().encode("one\ntw");
    const euro = new TextEncoder().encode("€");
    sink.write([bytes], 0, { value: 0 });
    sink.write([new TextEncoder().encode("o "), euro.subarray(0, 1)], 0, { value: 0 });
    sink.write([euro.subarray(1), new TextEncoder().encode("\nlast")], 0, { value: 0 });
    expect(lines).toEqual(["one", "two €"]);
    sink.close();
    expect(lines).toEqual(["one", "two €", "last"]);
  });
});
