/**
 * A preopen our WASI class cannot open fails the constructor with node:wasi's
 * error object (code, errno, syscall) and a message that says which option,
 * which guest path and which host path: node:wasi's own message names none.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WASI as NodeWASI } from "node:wasi";
import { afterAll, describe, expect, it } from "vitest";
import { WASI } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "witx-wasi-start-errors-"));
const file = join(dir, "a-file.txt");
writeFileSync(file, "x");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(construct: () => unknown): Error & { code?: string; errno?: number; syscall?: string } {
  try {
    construct();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the constructor to throw");
}

describe("start-up errors name the option, the guest path and the host path", () => {
  const cases: [string, Record<string, string | undefined>, RegExp][] = [
    [
      "a missing directory",
      { "/sandbox": join(dir, "missing") },
      /^UVWASI_ENOENT, uvwasi_init: options\.preopens\["\/sandbox"\]: the host path ".*missing" does not exist$/,
    ],
    [
      "a file",
      { "/data": file },
      /^UVWASI_ENOTDIR, uvwasi_init: options\.preopens\["\/data"\]: the host path ".*a-file\.txt" is not a directory$/,
    ],
    [
      "undefined",
      { "/x": undefined },
      /^UVWASI_ENOENT, uvwasi_init: options\.preopens\["\/x"\] is undefined; give the host directory as a string$/,
    ],
  ];
  it.each(cases)("a preopen that is %s", (_label, preopens, message) => {
    const ours = thrown(() => new WASI({ version: "preview1", preopens }));
    const nodes = thrown(() => new NodeWASI({ version: "preview1", preopens: preopens as Record<string, string> }));
    expect(ours.message).toMatch(message);
    expect({ code: ours.code, errno: ours.errno, syscall: ours.syscall, name: ours.name }).toEqual({
      code: nodes.code,
      errno: nodes.errno,
      syscall: nodes.syscall,
      name: nodes.name,
    });
  });

  it("a stdio fd that is not open names the host fd", () => {
    expect(thrown(() => new WASI({ version: "preview1", stdin: 987 })).message).toBe(
      "UVWASI_EBADF, uvwasi_init: host fd 987 (options.stdin, stdout or stderr) is not an open descriptor",
    );
  });
});
