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
import { resolve } from "node:path";
import { createNodeHost, type NodeHostOptions } from "../impl/node/index.js";
import { withNativeImports } from "../impl/node/native-fast-calls.js";
import { NodeHostStartError } from "../impl/node/start-error.js";
import { uvwasiInitError } from "./node-errors.js";
import type { StdinOption, StdioOptions } from "./stdio-options.js";
import { preview0Feature, tracingFeature } from "./features-on-demand.js";
import { WasiBase, type WasiBaseOptions, type WasiPlatform } from "./wasi-base.js";

export { WasiExit } from "./wasi-exit.js";
export { wasiImportNames } from "./import-names.js";
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
  /**
   * Guest path → host directory, given to the guest as fds 3, 4, ... in this order.
   * Typed like node:wasi's (`Dict<string>`); an `undefined` value is refused at start-up.
   */
  preopens?: Record<string, string | undefined>;
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

/**
 * The Node host, its start-up failures thrown as node:wasi's `new WASI()` throws
 * them (same code, errno and syscall), with a message that names the option,
 * the guest path and the host path.
 */
function createNodeHostAsNodeWasi(options: NodeHostOptions, given: WasiOptions | undefined) {
  try {
    return createNodeHost(options);
  } catch (error) {
    if (error instanceof NodeHostStartError) throw uvwasiInitError(error.errnoName, error.errno, describeStartFailure(error, given));
    throw error;
  }
}

const failureReasons: Record<string, string> = {
  ENOENT: "does not exist",
  ENOTDIR: "is not a directory",
  EACCES: "cannot be opened (permission denied)",
  ELOOP: "is a symbolic link loop",
};

function describeStartFailure(error: NodeHostStartError, given: WasiOptions | undefined): string | undefined {
  const subject = error.subject;
  if (subject === undefined) return undefined;
  if ("hostFd" in subject) return `host fd ${subject.hostFd} (options.stdin, stdout or stderr) is not an open descriptor`;
  const [guestPath, hostPath] = subject.preopen;
  const option = `options.preopens[${JSON.stringify(guestPath)}]`;
  const raw = given?.preopens?.[guestPath];
  if (raw === undefined || raw === null) return `${option} is ${raw}; give the host directory as a string`;
  const reason = failureReasons[error.errnoName] ?? `cannot be opened (${error.errnoName})`;
  return `${option}: the host path ${JSON.stringify(resolve(hostPath))} ${reason}`;
}

/** The Node platform: host fds for stdio, the Node host, trace lines to fd 2, process.exit. */
export function nodePlatform(given: WasiOptions | undefined): WasiPlatform {
  return {
    defaultStdio: (parsed) => [parsed.stdin, parsed.stdout, parsed.stderr],
    createHost: (setup) =>
      createNodeHostAsNodeWasi(
        {
          args: setup.parsed.args,
          env: setup.env,
          preopens: setup.parsed.preopens,
          descriptionPreopens: setup.mounts?.preopens,
          sockets: setup.sockets,
          limits: setup.limits,
          stdin: setup.stdio[0],
          stdout: setup.stdio[1],
          stderr: setup.stdio[2],
          onExit: setup.onExit,
          ...(setup.time === null ? {} : { clock: setup.time.clock, sleep: setup.time.sleep }),
          ...(setup.random === null ? {} : { random: setup.random }),
        },
        given,
      ),
    // Trace lines go straight to fd 2, synchronously, so they interleave correctly with the guest's own stderr writes.
    traceLine: (line) => void writeSync(2, `[wasi] ${line}\n`),
    // Synchronous like the trace, so the report is out before a proc_exit can end the process.
    warn: (text) => void writeSync(2, `${text}\n`),
    // node:wasi calls C exit() here; process.exit is the documented way to
    // end a Node process and also runs 'exit' listeners (see notes/wasi-class.md).
    exitProcess: (code) => process.exit(code),
    nativeImports: withNativeImports,
    // Size does not matter here: Node users get preview0 and tracing without asking.
    features: [preview0Feature, tracingFeature],
  };
}

/**
 * A WASI preview1 (or preview0, `version: "unstable"`) host for one WebAssembly
 * instance, a drop-in for node:wasi's `WASI`: the same options, `wasiImport`,
 * `getImportObject()`, `start()` and `initialize()`, with the same errors.
 * It runs the guest in a sandbox of its preopened directories, in-memory
 * directories (`mounts`) and stdio, and adds options node:wasi lacks: `stdio`
 * sources and sinks, `deterministic`, `limits`, `trace`, `host` overrides.
 *
 *     const wasi = new WASI({ version: "preview1", args: ["prog"], preopens: { "/data": "./data" } });
 *     const instance = new WebAssembly.Instance(module, wasi.getImportObject());
 *     const exitCode = wasi.start(instance);
 */
export class WASI extends WasiBase {
  constructor(options?: WasiOptions) {
    // WasiBase checks `stdio` at run time; a ReadStream passes its fd check.
    super(options as WasiBaseOptions | undefined, nodePlatform(options));
  }
}
