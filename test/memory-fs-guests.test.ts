/**
 * The file-system guest programs (test/guests/c: files, dirs, paths, fdtable)
 * run with /sandbox as an in-memory directory instead of a host directory,
 * and must print what a spec-conforming host prints on the real file system,
 * test/guests/expected/<name>.txt, line for line. No line needs an exception
 * for being something only a real OS can do: inode numbers, link counts,
 * nanosecond times, sorted listings with . and .. are all modelled. That
 * includes the checks decided above the file system (path_open's rights rule
 * in path-methods.ts): the in-memory run must print the spec's answer too.
 *
 * Plus a guest that reads embedder-mounted devices (test/guests/wat/mounted-device.wat).
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errno } from "../src/generated/preview1/types.js";
import { generatedDevice, MemoryDirectory, readOnlyFile } from "../src/impl/memory/index.js";
import { WASI, type WasiOptions } from "../src/wasi/wasi.js";
import type { GuestCase } from "./support/run-guest-child.js";

const guestsDir = new URL("./guests/", import.meta.url);
const cases = JSON.parse(readFileSync(new URL("cases.json", guestsDir), "utf8")) as Record<string, GuestCase>;
const fileSystemGuests = ["files", "dirs", "paths", "fdtable"];

/** Runs a command guest in this process with stdout captured; returns [stdout, exit code]. */
async function runCommand(name: string, where: Pick<WasiOptions, "preopens" | "mounts">): Promise<[string, number]> {
  const scratch = mkdtempSync(join(tmpdir(), `memory-guest-${name}-`));
  const stdoutPath = join(scratch, "stdout");
  const stdout = openSync(stdoutPath, "a");
  const stdin = openSync("/dev/null", "r");
  try {
    const wasi = new WASI({
      version: "preview1",
      args: [name, ...(cases[name]?.args ?? [])],
      env: cases[name]?.env ?? {},
      ...where,
      stdin,
      stdout,
      stderr: stdout,
      returnOnExit: true,
    });
    const bytes = readFileSync(new URL(`bin/${name}.wasm`, guestsDir));
    const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject() as WebAssembly.Imports);
    const code = wasi.start(instance);
    return [readFileSync(stdoutPath, "utf8"), code];
  } finally {
    closeSync(stdout);
    closeSync(stdin);
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe.each(fileSystemGuests)("%s with /sandbox in memory", (name) => {
  it(`prints expected/${name}.txt, the host file system's output`, async () => {
    const sandbox = new MemoryDirectory();
    const [stdout, code] = await runCommand(name, { mounts: { "/sandbox": sandbox } });
    expect(code).toBe(cases[name]?.exitCode ?? 0);
    const expected = readFileSync(new URL(`expected/${name}.txt`, guestsDir), "utf8").split("\n");
    const printed = stdout.split("\n");
    expect(printed.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) {
      expect(printed[i], `line ${i + 1}`).toBe(expected[i]);
    }
    // The guest's files stayed in the tree, where the embedder can look at them.
    expect(sandbox.list()).toContain(name);
  }, 60_000);
});

describe("a guest reading embedder-mounted files", () => {
  it("reads a counter device and a zero device under /dev, and cannot open the device for writing", async () => {
    const counter = generatedDevice((into, offset) => {
      for (let i = 0; i < into.length; i++) into[i] = 0x30 + Number((offset + BigInt(i)) % 10n);
    });
    const zero = generatedDevice((into) => into.fill(0));
    const scratch = mkdtempSync(join(tmpdir(), "memory-guest-device-"));
    const stdoutPath = join(scratch, "stdout");
    const stdout = openSync(stdoutPath, "a");
    try {
      const wasi = new WASI({
        version: "preview1",
        mounts: { "/dev/counter": counter, "/dev/zero": zero, "/etc/motd": readOnlyFile("unused") },
        stdout,
      });
      const bytes = readFileSync(new URL("bin/mounted-device.wasm", guestsDir));
      const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject() as WebAssembly.Imports);
      wasi.initialize(instance);
      const writeOpen = (instance.exports.run as () => number)();
      wasi.close();
      expect(writeOpen).toBe(errno.rofs);
      // character_device is filetype 2.
      expect(readFileSync(stdoutPath, "latin1")).toBe("/dev\n012345678901\n234567\n\0\0\0\0\n2\n");
    } finally {
      closeSync(stdout);
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
