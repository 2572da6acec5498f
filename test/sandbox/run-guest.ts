/**
 * Runs the escape guest once, on our WASI class or on node:wasi, with the
 * sandbox of an escape tree preopened as /sandbox and the same options for
 * both, so that any difference in the outcome is the host's.
 */
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WASI as NodeWASI } from "node:wasi";
import type { EscapeTree } from "./fixture.js";

/**
 * "ours": our WASI class as embedders use it (on Linux, paths are resolved by
 * the openat2 addon, native/beneath.c, when it is built). "ours-js": the same
 * host with the addon turned off, resolving through /proc/self/fd in
 * JavaScript (Linux without the addon). "ours-paths": the same host forced
 * into the portable mode that resolves from host path strings (what non-Linux
 * hosts get). The last two are built directly since the WASI class does not
 * expose the switches.
 */
export type HostName = "ours" | "ours-js" | "ours-paths" | "node:wasi";
export const hostNames: readonly HostName[] = ["ours", "ours-js", "ours-paths", "node:wasi"];

export interface GuestRun {
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code, or null when start() threw. */
  readonly exitCode: number | null;
  /** What start() threw, if anything (a trap, a host bug). */
  readonly error: string | null;
}

interface WasiLike {
  getImportObject(): WebAssembly.Imports;
  start(instance: WebAssembly.Instance): number;
}

type WasiOptions = {
  version: "preview1";
  args: string[];
  env: Record<string, string>;
  preopens: Record<string, string>;
  stdin: number;
  stdout: number;
  stderr: number;
  returnOnExit: true;
};

const compiled = new Map<string, WebAssembly.Module>();

/** test/sandbox/bin/<name>.wasm, compiled once. */
function guestModule(name: string): WebAssembly.Module {
  let module = compiled.get(name);
  if (module === undefined) {
    module = new WebAssembly.Module(fs.readFileSync(fileURLToPath(new URL(`./bin/${name}.wasm`, import.meta.url))));
    compiled.set(name, module);
  }
  return module;
}

// Our code is loaded on first use, so that node:wasi runs work on their own.
async function createWasi(host: HostName, options: WasiOptions): Promise<WasiLike> {
  if (host === "node:wasi") return new NodeWASI(options) as unknown as WasiLike;
  if (host === "ours-paths") return createSwitchedWasi(options, { procFdRoots: false });
  if (host === "ours-js") return createSwitchedWasi(options, { nativeResolution: false });
  const { WASI } = await import("../../src/wasi/wasi.js");
  return new WASI(options) as unknown as WasiLike;
}

/** Just enough of the WASI class (start, proc_exit, close) over a Node host with a resolution switch set. */
async function createSwitchedWasi(
  options: WasiOptions,
  switches: { procFdRoots?: boolean; nativeResolution?: boolean },
): Promise<WasiLike> {
  const [{ createNodeHost }, { createPreview1Imports }, { GuestMemory }, { WasiExit }] = await Promise.all([
    import("../../src/impl/node/index.js"),
    import("../../src/generated/preview1/index.js"),
    import("../../src/runtime/index.js"),
    import("../../src/wasi/wasi-exit.js"),
  ]);
  const host = createNodeHost({
    args: options.args,
    env: Object.entries(options.env).map(([name, value]) => `${name}=${value}`),
    preopens: Object.entries(options.preopens),
    stdin: options.stdin,
    stdout: options.stdout,
    stderr: options.stderr,
    onExit: (code) => {
      throw new WasiExit(code);
    },
    ...switches,
  });
  const memory = new GuestMemory();
  const imports = createPreview1Imports(host, memory);
  return {
    getImportObject: () => ({ wasi_snapshot_preview1: imports }),
    start(instance) {
      memory.attach(instance.exports.memory as WebAssembly.Memory);
      try {
        (instance.exports._start as () => void)();
        return 0;
      } catch (error) {
        if (error instanceof WasiExit) return error.code;
        throw error;
      } finally {
        host.close();
      }
    },
  };
}

/** Runs `escape.wasm <args...>`; stdout and stderr go to files outside the tree. */
export function runEscapeGuest(host: HostName, tree: EscapeTree, args: readonly string[]): Promise<GuestRun> {
  return runSandboxGuest(host, "escape", { "/sandbox": tree.sandbox }, args);
}

/** Runs test/sandbox/bin/<name>.wasm with these preopens; stdout and stderr go to files outside them. */
export async function runSandboxGuest(
  host: HostName,
  name: string,
  preopens: Record<string, string>,
  args: readonly string[],
): Promise<GuestRun> {
  const scratch = fs.mkdtempSync(join(tmpdir(), "witx-escape-io-"));
  const stdoutPath = join(scratch, "stdout");
  const stderrPath = join(scratch, "stderr");
  const stdin = fs.openSync("/dev/null", "r");
  const stdout = fs.openSync(stdoutPath, "w");
  const stderr = fs.openSync(stderrPath, "w");
  let exitCode: number | null = null;
  let error: string | null = null;
  try {
    const wasi = await createWasi(host, {
      version: "preview1",
      args: [`${name}.wasm`, ...args],
      env: {},
      preopens,
      stdin,
      stdout,
      stderr,
      returnOnExit: true,
    });
    const instance = new WebAssembly.Instance(guestModule(name), wasi.getImportObject());
    try {
      exitCode = wasi.start(instance);
    } catch (thrown) {
      error = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    }
    return {
      stdout: fs.readFileSync(stdoutPath, "utf8"),
      stderr: fs.readFileSync(stderrPath, "utf8"),
      exitCode,
      error,
    };
  } finally {
    fs.closeSync(stdin);
    fs.closeSync(stdout);
    fs.closeSync(stderr);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
