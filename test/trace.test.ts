import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPreview0Imports } from "../src/generated/preview0/glue.js";
import { unimplementedPreview0Host } from "../src/generated/preview0/unimplemented.js";
import { createPreview1Imports } from "../src/generated/preview1/glue.js";
import { unimplementedPreview1Host } from "../src/generated/preview1/unimplemented.js";
import { GuestMemory } from "../src/runtime/index.js";
import { captureOutput } from "../src/impl/stdio/output-sink.js";
import { WASI } from "../src/wasi/wasi.js";
import { runGuest } from "./support/run-guest.js";

const scratch = mkdtempSync(join(tmpdir(), "witx-wasi-trace-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tracedFilesRun(): string[] {
  const lines: string[] = [];
  const sandbox = mkdtempSync(join(scratch, "sandbox-"));
  runGuest("test/guests/bin/files.wasm", {
    args: ["files"],
    preopens: { "/sandbox": sandbox },
    stdio: { stdout: captureOutput() },
    trace: (line) => lines.push(line),
  });
  return lines;
}

describe("a traced run of a real guest (files.wasm)", () => {
  const lines = tracedFilesRun();

  it("logs one line per call, with the arguments by name", () => {
    expect(lines.length).toBeGreaterThan(20);
    expect(lines).toContain("fd_prestat_get(fd=3) = success ({ tag: 0, value: { pr_name_len: 8 } })");
    expect(lines.every((line) => /^[a-z_]+\(.*\) = [a-z0-9_]+/.test(line))).toBe(true);
  });

  it("decodes paths and shows flags by name", () => {
    const open = lines.find((line) => line.startsWith('path_open(fd=3, dirflags=symlink_follow, path="files/a.txt", oflags=creat|trunc,'));
    expect(open).toBeDefined();
    expect(open).toMatch(/fs_rights_base=fd_datasync\|[a-z_|]*fd_write[a-z_|]*, /);
  });

  it("names the errno of failed calls", () => {
    expect(lines.some((line) => line.startsWith("path_open(") && line.endsWith(" = exist"))).toBe(true);
    expect(lines.some((line) => line.startsWith("path_open(") && line.endsWith(" = noent"))).toBe(true);
    expect(lines).toContain("fd_prestat_get(fd=4) = badf");
  });

  it("summarises buffers: count, total size and a preview of written bytes", () => {
    expect(lines).toContain('fd_write(fd=1, iovs=[2 buffers, 25 bytes: "mkdir /sandbox/files: ok\\n"]) = success (25)');
    expect(lines.some((line) => /^fd_read\(fd=\d+, iovs=\[1 buffer, \d+ bytes\]\) = success \(12\)$/.test(line))).toBe(true);
  });
});

describe("tracing off", () => {
  // The glue is made per WASI object, so identity with a second glue cannot
  // be compared; the same source text for every function shows that each
  // import is a glue function itself, not a wrapper around one.
  function sources(imports: object): Record<string, string> {
    return Object.fromEntries(Object.entries(imports).map(([name, fn]) => [name, String(fn)]));
  }

  it("leaves the import object exactly the generated glue (preview1)", () => {
    const glue = sources(createPreview1Imports(unimplementedPreview1Host(), new GuestMemory()));
    const plain = new WASI({ version: "preview1" });
    expect(sources(plain.wasiImport)).toEqual(glue);
    const traced = new WASI({ version: "preview1", trace: () => {} });
    expect(Object.keys(traced.wasiImport)).toEqual(Object.keys(glue));
    for (const [name, source] of Object.entries(sources(traced.wasiImport))) expect(source, name).not.toBe(glue[name]);
    plain.close();
    traced.close();
  });

  it("leaves the import object exactly the generated glue (unstable)", () => {
    const glue = sources(createPreview0Imports(unimplementedPreview0Host(), new GuestMemory()));
    const plain = new WASI({ version: "unstable" });
    expect(sources(plain.wasiImport)).toEqual(glue);
    plain.close();
  });

  it("trace: false is the same as leaving it out", () => {
    const off = new WASI({ version: "preview1", trace: false });
    const glue = sources(createPreview1Imports(unimplementedPreview1Host(), new GuestMemory()));
    expect(sources(off.wasiImport)).toEqual(glue);
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
