/**
 * The `witx-wasi run` command, run as a child process the way a user runs it.
 *
 * Most tests start the TypeScript entry (`node --import tsx src/cli/main.ts`)
 * so they always test the current source; one runs the installed launcher
 * bin/witx-wasi.js on the build in dist/ (which `npm test` builds first; when
 * the build is missing or older than the source, this file builds it).
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { watToBytes } from "./support/compile-wat.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const guests = join(root, "test/guests/bin");
const hello = join(root, "examples/hello.wasm");
const limit = 60_000;

function cli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    input: options.input ?? "",
    env: options.env ?? process.env,
    timeout: limit,
  });
}

const scratch = mkdtempSync(join(tmpdir(), "witx-wasi-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes a module compiled from `text` into the scratch folder; returns its path. */
function watFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, watToBytes(text));
  return path;
}

/** A guest that prints the names of the preopens at fds 3 and 4, one a line. */
const preopenLister = (module: string) => `(module
  (import "${module}" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (import "${module}" "fd_prestat_dir_name" (func $name (param i32 i32 i32) (result i32)))
  (import "${module}" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $show (param $fd i32)
    (local $length i32)
    (if (call $prestat (local.get $fd) (i32.const 0x10)) (then (return)))
    (local.set $length (i32.load (i32.const 0x14)))
    (drop (call $name (local.get $fd) (i32.const 0x100) (local.get $length)))
    (i32.store8 (i32.add (i32.const 0x100) (local.get $length)) (i32.const 10))
    (i32.store (i32.const 0x20) (i32.const 0x100))
    (i32.store (i32.const 0x24) (i32.add (local.get $length) (i32.const 1)))
    (drop (call $write (i32.const 1) (i32.const 0x20) (i32.const 1) (i32.const 0x30))))
  (func (export "_start") (call $show (i32.const 3)) (call $show (i32.const 4))))`;

describe("witx-wasi run", () => {
  it(
    "runs a command, passing the arguments after --, and exits with its exit code",
    () => {
      const result = cli(["run", join(guests, "exit.wasm"), "--", "42"]);
      expect(result.stdout).toBe("exiting with: 42\n");
      expect(result.status).toBe(42);
    },
    limit,
  );

  it(
    "gives the guest the wasm file's name as argv[0]",
    () => {
      const result = cli(["run", hello, "--", "one", "two words"]);
      expect(result.stdout).toBe("hello from wasm\narg 1: one\narg 2: two words\nGREETING=(not set)\n");
      expect(result.status).toBe(0);
      const args = cli(["run", join(guests, "args_env.wasm")]);
      expect(args.stdout).toContain('argv[0]: "args_env.wasm"');
    },
    limit,
  );

  it(
    "--env sets variables; the host environment is passed only with --inherit-env, and --env overrides it",
    () => {
      const env = { ...process.env, GREETING: "from the host" };
      expect(cli(["run", hello, "--env", "GREETING=hi"], { env }).stdout).toContain("GREETING=hi\n");
      expect(cli(["run", hello], { env }).stdout).toContain("GREETING=(not set)\n");
      expect(cli(["run", hello, "--inherit-env"], { env }).stdout).toContain("GREETING=from the host\n");
      expect(cli(["run", hello, "--inherit-env", "--env=GREETING=override"], { env }).stdout).toContain("GREETING=override\n");
    },
    limit * 2,
  );

  it(
    "--dir HOST::GUEST preopens HOST under the name GUEST, and --dir HOST under its own path",
    () => {
      const lister = watFile("lister.wasm", preopenLister("wasi_snapshot_preview1"));
      const dir = mkdtempSync(join(scratch, "dir-"));
      const result = cli(["run", lister, "--dir", `${dir}::/data`, "--dir", scratch]);
      expect(result.stdout).toBe(`/data\n${scratch}\n`);
      expect(result.status).toBe(0);
    },
    limit,
  );

  it(
    "passes stdin through to the guest",
    () => {
      const result = cli(["run", join(guests, "cat.wasm")], { input: "line one\nline two\n" });
      expect(result.stdout).toBe("line one\nline two\n");
    },
    limit,
  );

  it(
    "--version unstable serves wasi_unstable",
    () => {
      const lister = watFile("lister0.wasm", preopenLister("wasi_unstable"));
      const result = cli(["run", lister, "--version", "unstable", "--dir", `${scratch}::/p0`]);
      expect(result.stdout).toBe("/p0\n");
      expect(result.status).toBe(0);
    },
    limit,
  );

  it(
    "--trace logs each WASI call on stderr",
    () => {
      const result = cli(["run", hello, "--trace"]);
      expect(result.stdout).toContain("hello from wasm\n");
      expect(result.stderr).toMatch(/^\[wasi\] args_sizes_get\(\) = success/m);
      expect(result.stderr).toMatch(/^\[wasi\] fd_write\(fd=1, .*"hello from wasm\\n".*\) = success/m);
    },
    limit,
  );

  it(
    "reports a trap on one line plus the guest's frames, and exits with 134",
    () => {
      const trapper = watFile(
        "trap.wasm",
        `(module (memory (export "memory") 1) (func $inner (unreachable)) (func (export "_start") (call $inner)))`,
      );
      const result = cli(["run", trapper]);
      expect(result.status).toBe(134);
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines[0]).toBe(`witx-wasi: ${trapper}: the program trapped: unreachable`);
      expect(lines.slice(1).length).toBeGreaterThanOrEqual(2);
      for (const frame of lines.slice(1)) expect(frame).toMatch(/^ {4}at .*wasm:\/\//);
    },
    limit,
  );
});

describe("witx-wasi run: problems found before the program starts are one line each", () => {
  const notWasm = join(scratch, "notes.txt");
  writeFileSync(notWasm, "just some text\n");
  const cases: [label: string, args: () => string[], message: (args: string[]) => string][] = [
    ["a missing file", () => ["run", join(scratch, "missing.wasm")], (args) => `witx-wasi: ${args[1]}: no such file`],
    ["a file that is not wasm", () => ["run", notWasm], () => `witx-wasi: ${notWasm}: is not a WebAssembly module (no \\0asm header)`],
    [
      "a module without _start",
      () => ["run", watFile("reactor.wasm", `(module (memory (export "memory") 1) (func (export "_initialize")))`)],
      (args) => `witx-wasi: ${args[1]}: has no _start export (it is a reactor: it exports _initialize)`,
    ],
    [
      "an import we do not provide",
      () => [
        "run",
        watFile("needs-env.wasm", `(module (import "env" "helper" (func)) (memory (export "memory") 1) (func (export "_start")))`),
      ],
      (args) => `witx-wasi: ${args[1]}: imports env.helper (function), which this host does not provide`,
    ],
    [
      "a preview1 program run with --version unstable",
      () => ["run", hello, "--version", "unstable"],
      () =>
        `witx-wasi: ${hello}: imports wasi_snapshot_preview1.args_get (function), which this host does not provide; the module is built for wasi_snapshot_preview1: run it with --version preview1`,
    ],
    [
      "a --dir that does not exist",
      () => ["run", hello, "--dir", join(scratch, "nowhere")],
      () => `witx-wasi: --dir ${join(scratch, "nowhere")}: no such directory`,
    ],
    ["a --dir that is a file", () => ["run", hello, "--dir", notWasm], () => `witx-wasi: --dir ${notWasm}: is not a directory`],
    [
      "the same guest path twice",
      () => ["run", hello, "--dir", `${scratch}::/x`, "--dir", `${root}::/x`],
      () => `witx-wasi: --dir: the guest path "/x" is given twice`,
    ],
  ];

  it.each(cases)(
    "%s",
    (_label, makeArgs, message) => {
      const args = makeArgs();
      const result = cli(args);
      expect(result.stderr).toBe(`${message(args)}\n`);
      expect(result.stdout).toBe("");
      expect(result.status).toBe(1);
    },
    limit,
  );

  it(
    "bad usage exits with 2 and a one-line message; --help prints the usage",
    () => {
      const bad = cli(["run", hello, "--frobnicate"]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toBe("witx-wasi: unknown option --frobnicate (see witx-wasi --help)\n");
      const help = cli(["--help"]);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/^Usage: witx-wasi \[run\] PROGRAM\.wasm/);
    },
    limit,
  );
});

describe("the installed launcher", () => {
  const launcher = join(root, "bin/witx-wasi.js");
  const built = join(root, "dist/bundle/cli.js");

  /** The newest modification time of the .ts files under src/. */
  function newestSource(dir = join(root, "src")): number {
    let newest = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : entry.name.endsWith(".ts") ? statSync(path).mtimeMs : 0);
    }
    return newest;
  }

  beforeAll(() => {
    let builtAt = 0;
    try {
      builtAt = statSync(built).mtimeMs;
    } catch {
      // not built yet
    }
    if (builtAt < newestSource()) {
      const build = spawnSync("npm", ["run", "build"], { cwd: root, encoding: "utf8" });
      if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
    }
  }, 300_000);

  it(
    "bin/witx-wasi.js runs the built CLI",
    () => {
      const result = spawnSync(process.execPath, [launcher, "run", join(guests, "exit.wasm"), "--", "3"], {
        encoding: "utf8",
        timeout: limit,
      });
      expect(result.stdout).toBe("exiting with: 3\n");
      expect(result.status).toBe(3);
    },
    limit,
  );
});
