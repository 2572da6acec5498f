/**
 * The CLI's conveniences for a first-time user: the tool's own --version, a
 * program run without the word "run", deterministic runs, in-memory directories,
 * resource limits, and --invoke for a reactor's export. Run as a child process
 * the way a user runs it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { watToBytes } from "./support/compile-wat.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const guests = join(root, "test/guests/bin");
const limit = 60_000;
const scratch = mkdtempSync(join(tmpdir(), "witx-wasi-cli-options-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function cli(args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: limit,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function watFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, watToBytes(text));
  return path;
}

/** A reactor: _initialize stores 40 in memory; `answer` returns it plus 2; `write` prints "written\n" (checks stdio is live). */
const reactor = watFile(
  "reactor.wasm",
  `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "written\\n")
  (func (export "_initialize") (i32.store (i32.const 0) (i32.const 40)))
  (func (export "answer") (result i32) (i32.add (i32.load (i32.const 0)) (i32.const 2)))
  (func (export "write")
    (i32.store (i32.const 4) (i32.const 16))
    (i32.store (i32.const 8) (i32.const 8))
    (drop (call $write (i32.const 1) (i32.const 4) (i32.const 1) (i32.const 12)))))`,
);

/** Opens "/mem/made" with O_CREAT through preopen fd 3 and exits with path_open's errno (0 when the directory is there). */
const creator = watFile(
  "creator.wasm",
  `(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "made")
  (func (export "_start")
    (call $exit (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 4) (i32.const 1) (i64.const 66) (i64.const 0) (i32.const 0) (i32.const 0)))))`,
);

describe("witx-wasi options for first-time users", () => {
  it(
    "--version alone prints the tool's version; after a program it still picks the WASI version",
    () => {
      const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
      expect(cli(["--version"])).toEqual({ status: 0, stdout: `witx-wasi ${version}\n`, stderr: "" });
      expect(cli([join(root, "examples/hello-world.wasm"), "--version", "unstable"]).stderr).toMatch(/--version preview1\n$/);
    },
    limit,
  );

  it(
    "runs a program given without the word run",
    () => {
      expect(cli([join(root, "examples/hello-world.wasm")])).toEqual({ status: 0, stdout: "Hello from WASI!\n", stderr: "" });
    },
    limit,
  );

  it(
    "--deterministic and --seed make random bytes repeat, and differ between seeds",
    () => {
      const random = join(guests, "embedding/determinism.wasm");
      const first = cli(["run", random, "--seed", "7"]);
      expect(first.status).toBe(0);
      expect(cli(["run", random, "--seed", "7"]).stdout).toBe(first.stdout);
      expect(cli(["run", random, "--seed", "8"]).stdout).not.toBe(first.stdout);
      expect(cli(["run", random, "--deterministic"]).stdout).toBe(cli(["run", random, "--deterministic"]).stdout);
    },
    limit,
  );

  it(
    "--mem-dir GUEST gives the program a writable in-memory directory",
    () => {
      expect(cli(["run", creator, "--mem-dir", "/mem"]).status).toBe(0);
      // Without it there is no fd 3: path_open gives badf (8).
      expect(cli(["run", creator]).status).toBe(8);
    },
    limit,
  );

  it(
    "--limit sets a resource bound, and a bad one is refused naming the option",
    () => {
      // stdio and /mem take four descriptors: a fifth fits in 5, and not in 4 (mfile, 33).
      expect(cli(["run", creator, "--mem-dir", "/mem", "--limit", "maxOpenFds=5"]).status).toBe(0);
      expect(cli(["run", creator, "--mem-dir", "/mem", "--limit", "maxOpenFds=4"]).status).toBe(33);
      const bad = cli(["run", creator, "--limit", "maxOpenFiles=4"]);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/^witx-wasi: .*options\.limits\.maxOpenFiles.*\n$/);
    },
    limit,
  );

  it(
    "--invoke NAME initializes a reactor and calls the export, printing what it returns",
    () => {
      expect(cli(["run", reactor, "--invoke", "answer"])).toEqual({ status: 0, stdout: "42\n", stderr: "" });
      expect(cli([reactor, "--invoke", "write"])).toEqual({ status: 0, stdout: "written\n", stderr: "" });
      expect(cli([reactor, "--invoke", "nope"]).stderr).toBe(`witx-wasi: ${reactor}: has no export named "nope" to --invoke\n`);
    },
    limit,
  );
});
