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
 */
import { createNodeHost, type NodeHost } from "./impl/node/index.js";
import { preview0Host } from "./impl/preview0/adapter.js";
import { createPreview0Imports, tracePreview0Imports, unimplementedPreview0Host, type Preview0Imports } from "./generated/preview0/index.js";
import { createPreview1Imports, tracePreview1Imports, unimplementedPreview1Host, type Preview1Imports } from "./generated/preview1/index.js";
import { GuestMemory, type GlueOptions } from "./runtime/index.js";
import { parseExtraOptions, type WasiExtraOptions } from "./wasi-extra-options.js";
import { WasiExit } from "./wasi-exit.js";
import { validateInstanceForInitialize, validateInstanceForStart, type WasiLifecycleState } from "./wasi-lifecycle.js";
import { parseWasiOptions, type WasiVersion } from "./wasi-options.js";

export { WasiExit } from "./wasi-exit.js";
export type { WasiExtraOptions } from "./wasi-extra-options.js";
export type { WasiVersion } from "./wasi-options.js";

/** node:wasi's options, plus ours (see WasiExtraOptions). */
export interface WasiOptions extends WasiExtraOptions {
  /** `"preview1"` (module `wasi_snapshot_preview1`) or `"unstable"` (`wasi_unstable`). Leaving it out means preview1, Node 18 style. */
  version?: WasiVersion;
  /** The guest's argv, including argv[0]; each converted with String(). */
  args?: readonly unknown[];
  /** The guest's environment; `undefined` values are left out. */
  env?: Record<string, unknown>;
  /** Guest path → host directory, given to the guest as fds 3, 4, ... in this order. */
  preopens?: Record<string, string>;
  /**
   * true: proc_exit makes `start()` return the code. false: proc_exit ends the
   * process. Default true when `version` is given (Node 20), false when not (Node 18).
   */
  returnOnExit?: boolean;
  /** Host fds behind the guest's 0, 1 and 2. */
  stdin?: number;
  stdout?: number;
  stderr?: number;
}

export type WasiImport = Preview1Imports | Preview0Imports;

const moduleNames: Record<WasiVersion, string> = {
  preview1: "wasi_snapshot_preview1",
  unstable: "wasi_unstable",
};

/**
 * The module name and function names a WASI object of `version` provides,
 * read off the generated glue itself so they cannot drift from it.
 */
export function wasiImportNames(version: WasiVersion): { module: string; functions: string[] } {
  const memory = new GuestMemory();
  const imports = version === "unstable" ? createPreview0Imports(unimplementedPreview0Host(), memory) : createPreview1Imports(unimplementedPreview1Host(), memory);
  return { module: moduleNames[version], functions: Object.keys(imports) };
}

export class WASI {
  /** The import functions of the chosen version: what goes under getImportObject()'s one key. */
  readonly wasiImport: WasiImport;

  readonly #version: WasiVersion;
  readonly #returnOnExit: boolean;
  readonly #memoryOverride: WebAssembly.Memory | undefined;
  readonly #memory = new GuestMemory();
  readonly #host: NodeHost;
  readonly #lifecycle: WasiLifecycleState = { started: false };
  /** Set by the first proc_exit, so an exit the guest swallowed (catch_all) still counts. */
  #exitCode: number | undefined;
  #closed = false;

  constructor(options?: WasiOptions) {
    const parsed = parseWasiOptions(options);
    const extra = parseExtraOptions((options ?? {}) as Record<string, unknown>);
    this.#version = parsed.version;
    this.#returnOnExit = parsed.returnOnExit;
    this.#memoryOverride = extra.memory;

    this.#host = createNodeHost({
      args: parsed.args,
      env: Object.entries(parsed.env).map(([name, value]) => `${name}=${value}`),
      preopens: parsed.preopens,
      stdin: parsed.stdin,
      stdout: parsed.stdout,
      stderr: parsed.stderr,
      onExit: (code) => this.#exit(code),
    });

    const glueOptions: GlueOptions = { badPointer: extra.badPointer, onHostError: extra.onHostError };
    const memory = this.#memory;
    const trace = extra.trace;
    if (parsed.version === "unstable") {
      const imports = createPreview0Imports(preview0Host(this.#host), memory, glueOptions);
      this.wasiImport = trace ? tracePreview0Imports(imports, memory, trace) : imports;
    } else {
      const imports = createPreview1Imports(this.#host, memory, glueOptions);
      this.wasiImport = trace ? tracePreview1Imports(imports, memory, trace) : imports;
    }
  }

  /** `{ wasi_snapshot_preview1: wasiImport }` or `{ wasi_unstable: wasiImport }`; a new object each call, as in Node. */
  getImportObject(): Record<string, WasiImport> {
    return { [moduleNames[this.#version]]: this.wasiImport };
  }

  /**
   * Runs a command: calls `_start` and returns the exit code — 0 when `_start`
   * returns, proc_exit's code when the guest exited and returnOnExit is set.
   * Whatever way it ends, the descriptors the guest left open are closed.
   */
  start(instance: WebAssembly.Instance): number {
    const entry = this.#claim(() => validateInstanceForStart(instance, this.#lifecycle, this.#memoryOverride));
    this.#memory.attach(entry.memory);
    try {
      entry.start();
    } catch (error) {
      if (!(error instanceof WasiExit)) throw error;
    } finally {
      this.close();
    }
    // A guest that caught the exit signal with catch_all and returned anyway
    // still exited: proc_exit does not return, so its code stands.
    return this.#exitCode ?? 0;
  }

  /**
   * Prepares a reactor: calls `_initialize` if it exists. The instance's exports
   * can be called afterwards; `close()` releases its descriptors when done.
   */
  initialize(instance: WebAssembly.Instance): void {
    const entry = this.#claim(() => validateInstanceForInitialize(instance, this.#lifecycle, this.#memoryOverride));
    this.#memory.attach(entry.memory);
    entry.initialize?.();
  }

  /**
   * Closes every descriptor the guest still holds (the host's stdio fds given as
   * options stay open). Done by `start()` itself; reactors call it when finished.
   * Calls the guest makes afterwards fail with `badf`. Safe to call twice.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#host.close();
  }

  /**
   * Runs node:wasi's start/initialize checks. A first call that fails them has
   * used this object up (as in Node), so its descriptors are closed at once; a
   * repeated call must not close anything, since the first may be a live reactor.
   */
  #claim<T>(validate: () => T): T {
    const firstCall = !this.#lifecycle.started;
    try {
      return validate();
    } catch (error) {
      if (firstCall) this.close();
      throw error;
    }
  }

  /** proc_exit: returns to the embedder or ends the process, and unwinds the guest either way. */
  #exit(code: number): never {
    this.#exitCode ??= code;
    if (!this.#returnOnExit) {
      // node:wasi calls C exit() here; process.exit is the documented way to
      // end a Node process and also runs 'exit' listeners (see notes/wasi-class.md).
      this.close();
      process.exit(code);
    }
    throw new WasiExit(code);
  }
}
