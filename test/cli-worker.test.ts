/**
 * The CLI's worker mode, driven through real pipes: each line reaches the
 * program as it is written (the prompt for the next line is out before that
 * line is sent), poll() sees POLLIN|POLLHUP at EOF, and --timeout stops a
 * program with exit code 124 and one line on stderr. node:wasi, driven the
 * same way, prints the same.
 */
import { spawn, spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const guests = join(root, "test/worker/bin");
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** node:wasi running a program with the process's own stdin and stdout (pipes here). */
const nodeWasiScript = `
  import { WASI } from "node:wasi";
  import { readFileSync } from "node:fs";
  const [file, ...args] = process.argv.slice(1);
  const wasi = new WASI({ version: "preview1", args: [file, ...args], returnOnExit: true });
  process.exitCode = wasi.start(new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), wasi.getImportObject()));
`;

const hosts = {
  ours: (program: string, args: string[]) => [
    "--import",
    "tsx",
    join(root, "src/cli/main.ts"),
    "run",
    program,
    ...(args.length > 0 ? ["--", ...args] : []),
  ],
  "node:wasi": (program: string, args: string[]) => ["--no-warnings", "--input-type=module", "-e", nodeWasiScript, program, ...args],
};

function start(args: string[]) {
  return startNode(["--import", "tsx", join(root, "src/cli/main.ts"), ...args]);
}

function startNode(nodeArgs: string[]) {
  return startCommand(process.execPath, nodeArgs);
}

function startCommand(command: string, commandArgs: string[]) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: (() => void)[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    /** Waits until stdout holds `needle` `times` times. */
    async until(needle: string, times = 1): Promise<void> {
      while (stdout.split(needle).length - 1 < times) await new Promise<void>((wake) => waiters.push(wake));
    },
  };
}

describe.each(Object.entries(hosts))("interactive programs on %s", { timeout: 30_000 }, (_host, command) => {
  it("an interactive echo sees each line as it arrives", async () => {
    const run = startNode(command(join(guests, "line_echo.wasm"), []));
    for (const [index, line] of ["alpha", "beta", "gamma"].entries()) {
      await run.until("> ", index + 1);
      await sleep(50);
      run.child.stdin.write(`${line}\n`);
    }
    await run.until("3: gamma");
    run.child.stdin.end();
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toBe("> 1: alpha\n> 2: beta\n> 3: gamma\n> bye\n");
  });

  it("poll() on piped stdin: a timeout while nothing comes, data, then POLLIN|POLLHUP at EOF", async () => {
    const run = startNode(command(join(guests, "poll_stdin.wasm"), ["100"]));
    await run.until("timeout\n");
    run.child.stdin.write("hello");
    await run.until("read 5\n");
    run.child.stdin.end();
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(/^(timeout\n)+ready IN read 5\nready IN HUP eof\n$/);
  });
});

/** util-linux `script` gives the program a pseudo-terminal as stdin and stdout. */
const haveScript = spawnSync("script", ["--version"]).status === 0;

describe("CLI on a terminal", { timeout: 30_000 }, () => {
  it.skipIf(!haveScript)("reads each line typed on a TTY, and ^D as end of input", async () => {
    const cli = `${JSON.stringify(process.execPath)} --import tsx src/cli/main.ts run ${JSON.stringify(join(guests, "line_echo.wasm"))}`;
    const run = startCommand("script", ["-qfec", cli, "/dev/null"]);
    await run.until("> ");
    run.child.stdin.write("alpha\n");
    await run.until("> ", 2);
    run.child.stdin.write("beta\n");
    await run.until("> ", 3);
    run.child.stdin.write("\x04");
    expect(await run.exited).toBe(0);
    // The terminal echoes what is typed and ends lines with CR LF.
    expect(run.stdout().replace(/\r\n/g, "\n")).toBe("> alpha\n1: alpha\n> beta\n2: beta\n> bye\n");
  });
});

describe("CLI --timeout", { timeout: 30_000 }, () => {
  it("--timeout stops an endless loop: exit code 124 and one line", async () => {
    const run = start(["run", join(guests, "spin.wasm"), "--timeout", "3"]);
    run.child.stdin.end();
    expect(await run.exited).toBe(124);
    expect(run.stdout()).toBe("spinning\n");
    expect(run.stderr()).toBe(`witx-wasi: ${join(guests, "spin.wasm")}: stopped after the 3 s timeout\n`);
  });
});
