import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, createReadStream } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { captureOutput } from "../src/impl/stdio/output-sink.js";
import { WASI } from "../src/wasi/wasi.js";
import { runGuest } from "./support/run-guest.js";

const scratch = mkdtempSync(join(tmpdir(), "witx-wasi-stdio-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const text = `${"first line\nsecond line, longer than the guest's 100-byte buffer so it takes more than one read: ".padEnd(260, "x")}\nüñíçødé\n`;

describe("stdin from JavaScript values, stdout into a capture (cat.wasm)", () => {
  it("copies a string on stdin to the captured stdout", () => {
    const out = captureOutput();
    expect(runGuest("test/guests/bin/cat.wasm", { stdio: { stdin: text, stdout: out } })).toBe(0);
    expect(out.text()).toBe(text);
  });

  it("copies a Uint8Array or Buffer byte for byte, including bytes that are not UTF-8", () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff);
    for (const stdin of [bytes, Buffer.from(bytes)]) {
      const out = captureOutput();
      runGuest("test/guests/bin/cat.wasm", { stdio: { stdin, stdout: out } });
      expect(out.bytes()).toEqual(bytes);
    }
  });

  it("asks a source callback for more until it returns null, passing how much the guest wants", () => {
    const chunks = ["alpha ", new TextEncoder().encode("beta "), "gamma"];
    const asked: number[] = [];
    const out = captureOutput();
    runGuest("test/guests/bin/cat.wasm", {
      stdio: { stdin: (maxBytes) => (asked.push(maxBytes), chunks.shift() ?? null), stdout: out },
    });
    expect(out.text()).toBe("alpha beta gamma");
    expect(asked.length).toBe(4);
    expect(asked.every((wanted) => wanted > 0)).toBe(true);
  });

  it("reads an empty string as immediate end of file", () => {
    const out = captureOutput();
    expect(runGuest("test/guests/bin/cat.wasm", { stdio: { stdin: "", stdout: out } })).toBe(0);
    expect(out.bytes().length).toBe(0);
  });
});

describe("stdout and stderr sinks", () => {
  it("hands a callback one private copy per write", () => {
    const received: Uint8Array[] = [];
    runGuest("examples/hello.wasm", { args: ["hello", "x"], stdio: { stdout: (bytes) => received.push(bytes) } });
    const joined = Buffer.concat(received).toString("utf8");
    expect(joined).toBe("hello from wasm\narg 1: x\nGREETING=(not set)\n");
    // Copies, not views of guest memory: each is its own buffer.
    expect(new Set(received.map((chunk) => chunk.buffer)).size).toBe(received.length);
  });

  it("writes to a Node writable stream", async () => {
    const stream = new PassThrough();
    const collected: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => collected.push(chunk));
    runGuest("test/guests/bin/cat.wasm", { stdio: { stdin: "to a stream\n", stdout: stream } });
    stream.end();
    await once(stream, "end");
    expect(Buffer.concat(collected).toString()).toBe("to a stream\n");
  });

  it("writes to a Writable whose write is called with Uint8Array chunks", () => {
    const seen: unknown[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (seen.push(chunk), done()) });
    runGuest("test/guests/bin/cat.wasm", { stdio: { stdin: "abc", stdout: sink } });
    expect(Buffer.concat(seen as Buffer[]).toString()).toBe("abc");
  });

  it("keeps stdout and stderr apart", () => {
    const out = captureOutput();
    const err = captureOutput();
    runGuest("test/guests/bin/cat.wasm", { stdio: { stdin: "only stdout", stdout: out, stderr: err } });
    expect(out.text()).toBe("only stdout");
    expect(err.text()).toBe("");
  });
});

describe("host fds and streams with an fd", () => {
  it("still takes node:wasi's numeric stdin/stdout options", () => {
    const input = join(scratch, "in.txt");
    const output = join(scratch, "out.txt");
    writeFileSync(input, "through host fds\n");
    const inFd = openSync(input, "r");
    const outFd = openSync(output, "w");
    try {
      runGuest("test/guests/bin/cat.wasm", { stdin: inFd, stdout: outFd });
    } finally {
      closeSync(inFd);
      closeSync(outFd);
    }
    expect(readFileSync(output, "utf8")).toBe("through host fds\n");
  });

  it("reads an fs.ReadStream through its fd once it is open", async () => {
    const input = join(scratch, "stream-in.txt");
    writeFileSync(input, "via ReadStream.fd\n");
    const stream = createReadStream(input);
    await once(stream, "open");
    const out = captureOutput();
    try {
      runGuest("test/guests/bin/cat.wasm", { stdio: { stdin: stream, stdout: out } });
    } finally {
      stream.destroy();
    }
    expect(out.text()).toBe("via ReadStream.fd\n");
  });

  it("refuses a ReadStream that is not open yet, saying why", () => {
    const stream = createReadStream(join(scratch, "never-opened.txt"));
    stream.on("error", () => {});
    try {
      expect(() => new WASI({ version: "preview1", stdio: { stdin: stream } })).toThrow(/not open yet/);
    } finally {
      stream.destroy();
    }
  });

  it("refuses a Readable without an fd: a WASI read is synchronous and cannot wait for stream events", () => {
    const readable = Readable.from(["data"]);
    expect(() => new WASI({ version: "preview1", stdio: { stdin: readable as never } })).toThrow(
      /readable stream without a file descriptor\. WASI reads are synchronous/,
    );
  });

  it("refuses values of other kinds with ERR_INVALID_ARG_TYPE", () => {
    expect(() => new WASI({ version: "preview1", stdio: { stdout: "file.txt" as never } })).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_ARG_TYPE", message: expect.stringMatching(/options\.stdio\.stdout/) }),
    );
    expect(() => new WASI({ version: "preview1", stdio: 1 as never })).toThrow(/"options.stdio" property must be of type object/);
    expect(() => new WASI({ version: "preview1", stdio: { stdin: -1 } })).toThrow(/options\.stdio\.stdin/);
  });

  it("leaves node:wasi's checks of stdin/stdout/stderr as they were: objects there are still a type error", () => {
    expect(() => new WASI({ version: "preview1", stdout: captureOutput() as never })).toThrow(
      /The "options.stdout" property must be of type number/,
    );
  });
});
