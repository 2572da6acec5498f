/**
 * `WASI`: a drop-in for node:wasi's class, over the generated bindings and the
 * Node host. Same constructor options (both the Node 18 form without `version`
 * and the Node 20 form with it), same `wasiImport`, `getImportObject()`,
 * `start()` and `initialize()`, same errors for bad options and instances
 * (see notes/node-wasi-contract.md). Where it deliberately differs from
 * node:wasi, notes/wasi-class.md says so and why.
 *
 * Every WASI object owns its host: its own descriptor table, preopens and
 * stdio mapping, closed when a command finishes or when `close()` is called.
 * The class itself lives in wasi-base.ts (no Node in it); this module gives it
 * the Node host, host fds for stdio, fd 2 for traces and a real process exit.
 */
import { writeSync, type ReadStream } from "node:fs";
import { createNodeHost, type NodeHostOptions } from "../impl/node/index.js";
import { NodeHostStartError } from "../impl/node/start-error.js";
import { uvwasiInitError } from "./node-errors.js";
import type { StdinOption, StdioOptions } from "./stdio-options.js";
import { WasiBase, type WasiBaseOptions, type WasiPlatform } from "./wasi-base.js";

export { WasiExit } from "./wasi-exit.js";
export { wasiImportNames } from "./wasi-base.js";
export type { WasiImport } from "./wasi-base.js";
export type { WasiExtraOptions } from "./wasi-extra-options.js";
export type { WasiVersion } from "./wasi-options.js";

/** The `stdio` option on Node: stdin may also be an opened fs.ReadStream (its fd is read). */
export interface NodeStdioOptions extends Omit<StdioOptions, "stdin"> {
  stdin?: StdinOption | ReadStream;
}

/** node:wasi's options, plus ours (see WasiExtraOptions). */
export interface WasiOptions extends Omit<WasiBaseOptions, "stdio"> {
  stdio?: NodeStdioOptions;
  /** Guest path → host directory, given to the guest as fds 3, 4, ... in this order. */
  preopens?: Record<string, string>;
  /**
   * true: proc_exit makes `start()` return the code. false: proc_exit ends the
   * process. Default true when `version` is given (Node 20), false when not (Node 18).
   */
  returnOnExit?: boolean;
  /** Host fds behind the guest's 0, 1 and 2 (the `stdio` option takes other kinds). */
  stdin?: number;
  stdout?: number;
  stderr?: number;
}

/** The Node host, its start-up failures thrown as node:wasi's `new WASI()` throws them. */
function createNodeHostAsNodeWasi(options: NodeHostOptions) {
  try {
    return createNodeHost(options);
  } catch (error) {
    if (error instanceof NodeHostStartError) throw uvwasiInitError(error.errnoName, error.errno);
    throw error;
  }
}

/** The Node platform: host fds for stdio, the Node host, trace lines to fd 2, process.exit. */
export const nodePlatform: WasiPlatform = {
  defaultStdio: (parsed) => [parsed.stdin, parsed.stdout, parsed.stderr],
  createHost: (setup) =>
    createNodeHostAsNodeWasi({
      args: setup.parsed.args,
      env: setup.env,
      preopens: setup.parsed.preopens,
      descriptionPreopens: setup.mounts,
      sockets: setup.sockets,
      limits: setup.limits,
      stdin: setup.stdio[0],
      stdout: setup.stdio[1],
      stderr: setup.stdio[2],
      onExit: setup.onExit,
      ...(setup.time === null ? {} : { clock: setup.time.clock, sleep: setup.time.sleep }),
      ...(setup.random === null ? {} : { random: setup.random }),
    }),
  // Trace lines go straight to fd 2, synchronously, so they interleave correctly with the guest's own stderr writes.
  traceLine: (line) => void writeSync(2, `[wasi] ${line}\n`),
  // node:wasi calls C exit() here; process.exit is the documented way to
  // end a Node process and also runs 'exit' listeners (see notes/wasi-class.md).
  exitProcess: (code) => process.exit(code),
};

export class WASI extends WasiBase {
  constructor(options?: WasiOptions) {
    // WasiBase checks `stdio` at run time; a ReadStream passes its fd check.
    super(options as WasiBaseOptions | undefined, nodePlatform);
  }
}
