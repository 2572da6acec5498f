/**
 * The lifecycle of one guest, shared by both WASI APIs: `createWasi` (the
 * browser-first one, src/wasi/core-wasi.ts) and the node:wasi-compatible WASI
 * class (src/wasi/wasi-base.ts), which adds node:wasi's instance checks and
 * error shapes in front of it. It owns the host and the guest memory the
 * glue reads, records the first proc_exit, and closes the guest's
 * descriptors however a run ends.
 */
import type { ClosableHost } from "../impl/preview1/compose-host.js";
import { GuestMemory, type WasmMemory } from "../runtime/index.js";
import { WasiExit } from "./wasi-exit.js";

export class WasiSession {
  /** What the import glue reads and writes through; attached when a run starts. */
  readonly memory: GuestMemory;
  readonly host: ClosableHost;
  /** Set by the first proc_exit, so an exit the guest swallowed (catch_all) still counts. */
  #exitCode: number | undefined;
  #closed = false;

  /**
   * `createHost` receives what proc_exit must call; `beforeExit` runs before the
   * exit signal unwinds the guest (the WASI class ends the process there when
   * returnOnExit is false). `notStarted` is the error a call before the run gets.
   */
  constructor(
    createHost: (onExit: (code: number) => never) => ClosableHost,
    notStarted?: () => Error,
    private readonly beforeExit?: (code: number) => void,
  ) {
    this.memory = new GuestMemory(notStarted);
    this.host = createHost((code) => this.#exit(code));
  }

  /**
   * Runs a command's `_start` over `memory` and returns the exit code: 0 when it
   * returns, else proc_exit's. A trap or a host exception propagates. The
   * guest's descriptors are closed whatever way it ends.
   */
  run(memory: WasmMemory, start: () => unknown): number {
    this.memory.attach(memory);
    try {
      start();
    } catch (error) {
      if (!(error instanceof WasiExit)) throw error;
    } finally {
      this.close();
    }
    // A guest that caught the exit signal with catch_all and returned anyway
    // still exited: proc_exit does not return, so its code stands.
    return this.#exitCode ?? 0;
  }

  /** Prepares a reactor over `memory`: calls `_initialize` when it has one. */
  prepare(memory: WasmMemory, initialize: (() => unknown) | undefined): void {
    this.memory.attach(memory);
    initialize?.();
  }

  /** Closes every descriptor the guest still holds; later calls get `badf`. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.host.close();
  }

  #exit(code: number): never {
    this.#exitCode ??= code;
    this.beforeExit?.(code);
    throw new WasiExit(code);
  }
}
