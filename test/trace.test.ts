import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPreview0Imports } from "../src/generated/preview0/glue.js";
import { unimplementedPreview0Host } from "../src/generated/preview0/unimplemented.js";
import { createPreview1Imports } from "../src/generated/preview1/glue.js";
import { unimplementedPreview1Host } from "../src/generated/preview1/unimplemented.js";
import { formatTraceEvent, GuestMemory, type TraceEvent } from "../src/runtime/index.js";
import type { TraceOptions } from "../src/wasi/wasi-extra-options.js";
import { captureOutput } from "../src/impl/stdio/output-sink.js";
import { WASI } from "../src/wasi/wasi.js";
import { runGuest } from "./support/run-guest.js";

const scratch = mkdtempSync(join(tmpdir(), "witx-wasi-trace-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tracedRun(
  guest: string,
  args: string[],
  trace: Omit<TraceOptions, "log" | "onEvent"> = {},
): { lines: string[]; events: TraceEvent[] } {
  const lines: string[] = [];
  const events: TraceEvent[] = [];
  const sandbox = mkdtempSync(join(scratch, "sandbox-"));
  runGuest(guest, {
    args,
    env: { GREETING: "hi" },
    preopens: { "/sandbox": sandbox },
    stdio: { stdout: captureOutput() },
    trace: { ...trace, log: (line) => lines.push(line), onEvent: (event) => events.push(event) },
  });
  return { lines, events };
}

describe("a traced run of a real guest (files.wasm)", () => {
  const { lines, events } = tracedRun("test/guests/bin/files.wasm", ["files"]);

  it("logs one line per call, with the arguments by name, each under 200 characters with its prefix", () => {
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.every((line) => /^[a-z_]+\(.*\) = [a-z0-9_]+/.test(line))).toBe(true);
    expect(Math.max(...lines.map((line) => `[wasi] ${line}`.length))).toBeLessThan(200);
  });

  it("decodes results like arguments: variant tags, filetypes and rights by name", () => {
    expect(lines).toContain("fd_prestat_get(fd=3) = success ({ tag: dir, value: { pr_name_len: 8 } })");
    expect(lines.find((line) => line.startsWith("fd_filestat_get(fd=4) = success"))).toMatch(/filetype: regular_file, nlink: 1, size: \d+/);
    expect(lines.find((line) => line.startsWith("fd_fdstat_get(fd=3) = success"))).toMatch(
      /^fd_fdstat_get\(fd=3\) = success \(\{ fs_filetype: directory, fs_flags: 0, fs_rights_base: all -\{/,
    );
  });

  it("shows the strings a call wrote for the guest: a preopen's name", () => {
    expect(lines).toContain('fd_prestat_dir_name(fd=3, path=0x12700[8]) = success (path "/sandbox")');
  });

  it("decodes paths and shows flags by name, rights as a short set", () => {
    const open = events.find(
      (event) => event.function === "path_open" && event.arguments.path === '"files/a.txt"' && event.arguments.oflags === "creat|trunc",
    );
    expect(open?.arguments).toMatchObject({
      fd: "3",
      dirflags: "symlink_follow",
      fs_rights_base: "all -{fd_read,fd_readdir,sock_shutdown,sock_accept}",
    });
  });

  it("gives structured events with a duration, and builds the lines from them", () => {
    expect(events.length).toBe(lines.length);
    expect(events.every((event) => typeof event.duration === "number" && event.duration >= 0)).toBe(true);
    expect(events.map(formatTraceEvent)).toEqual(lines);
  });

  it("names the errno of failed calls", () => {
    expect(lines.some((line) => line.startsWith("path_open(") && line.endsWith(" = exist"))).toBe(true);
    expect(lines.some((line) => line.startsWith("path_open(") && line.endsWith(" = noent"))).toBe(true);
    expect(lines).toContain("fd_prestat_get(fd=4) = badf");
  });

  it("summarises buffers: count, total size and a preview of written bytes", () => {
    expect(lines).toContain('fd_write(fd=1, iovs=[2 buffers, 25 bytes: "mkdir /sandbox/files: ok\\n"]) = success (25)');
    expect(
      lines.some((line) => /^fd_read\(fd=\d+, iovs=\[1 buffer, \d+ bytes\]\) = success \(12, data "hello world\\n"\)$/.test(line)),
    ).toBe(true);
  });
});

describe("tracing what a guest receives", () => {
  it("shows the strings of args_get and environ_get", () => {
    const { lines } = tracedRun("test/guests/bin/args_env.wasm", ["args_env", "one", "two words"]);
    expect(lines.find((line) => line.startsWith("args_get("))).toMatch(/ = success \(\["args_env", "one", "two words"\]\)$/);
    expect(lines.find((line) => line.startsWith("environ_get("))).toMatch(/ = success \(\["GREETING=hi"\]\)$/);
  });

  it("traces only the functions asked for, and refuses a name that is not a WASI function", () => {
    const { lines } = tracedRun("test/guests/bin/files.wasm", ["files"], { functions: ["path_open", "fd_close"] });
    expect(new Set(lines.map((line) => line.slice(0, line.indexOf("("))))).toEqual(new Set(["path_open", "fd_close"]));
    expect(() => new WASI({ version: "preview1", trace: { functions: ["path_opne"] } })).toThrow(/options\.trace\.functions.*path_opne/);
  });
});

describe("tracing off", () => {
  // The glue is made per WASI object, so identity with a second glue cannot
  // be compared; the same source text for every function shows that each
  // import is a glue function itself, not a wrapper around one.
  // On Node 20 with the fast-call addon, clock_time_get, random_get and fd_read are native
  // functions in front of their glue (test/native-fast-calls.test.ts): those are compared by name only.
  const nativeImports = new Set(["clock_time_get", "random_get", "fd_read"]);
  function sources(imports: object): Record<string, string> {
    return Object.fromEntries(
      Object.entries(imports).map(([name, fn]) => {
        // A glue import is a method of the generated glue class bound to its import object ("bound fd_write").
        const source = (fn as { name: string }).name === `bound ${name}` ? `glue method ${name}` : String(fn);
        if (!source.includes("[native code]")) return [name, source];
        expect(nativeImports.has(name), `${name} is native`).toBe(true);
        return [name, "(native)"];
      }),
    );
  }
  function withoutNative(glue: Record<string, string>, imports: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(glue).map(([name, source]) => [name, imports[name] === "(native)" ? "(native)" : source]));
  }

  it("leaves the import object exactly the generated glue (preview1)", () => {
    const glue = sources(createPreview1Imports(unimplementedPreview1Host(), new GuestMemory()));
    const plain = new WASI({ version: "preview1" });
    expect(sources(plain.wasiImport)).toEqual(withoutNative(glue, sources(plain.wasiImport)));
    const traced = new WASI({ version: "preview1", trace: () => {} });
    expect(Object.keys(traced.wasiImport)).toEqual(Object.keys(glue));
    for (const [name, source] of Object.entries(sources(traced.wasiImport))) expect(source, name).not.toBe(glue[name]);
    plain.close();
    traced.close();
  });

  it("leaves the import object exactly the generated glue (unstable)", () => {
    const glue = sources(createPreview0Imports(unimplementedPreview0Host(), new GuestMemory()));
    const plain = new WASI({ version: "unstable" });
    expect(sources(plain.wasiImport)).toEqual(withoutNative(glue, sources(plain.wasiImport)));
    plain.close();
  });

  it("trace: false is the same as leaving it out", () => {
    const off = new WASI({ version: "preview1", trace: false });
    const glue = sources(createPreview1Imports(unimplementedPreview1Host(), new GuestMemory()));
    expect(sources(off.wasiImport)).toEqual(withoutNative(glue, sources(off.wasiImport)));
    off.close();
  });
});

describe("tracing a hostile call", () => {
  it("describes an over-long buffer list by its length without reading it", async () => {
    const { formatBufferList } = await import("../src/runtime/trace-format.js");
    const memory = new GuestMemory();
    memory.attach(new WebAssembly.Memory({ initial: 1 }));
    expect(formatBufferList(memory, 0, 5_000_000, 8, 0, 4, true)).toBe("[5000000 buffers at 0x0]");
  });
});
