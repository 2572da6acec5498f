/**
 * The signal `proc_exit` raises to unwind the guest. It is a JS exception
 * marked passthrough, so the generated glue lets it through instead of turning
 * it into an errno; wasm code cannot catch a JS exception (unless it uses the
 * exception-handling proposal's `catch_all`; see WASI.start for how an exit
 * the guest swallows is still honoured).
 *
 * `start()` catches it and returns `code` (with returnOnExit). Anywhere else —
 * an export of a reactor calling proc_exit, or `initialize()` — it reaches the
 * embedder, which can test `error instanceof WasiExit` and read `code`.
 */
import { PASSTHROUGH } from "../runtime/index.js";

export class WasiExit extends Error {
  readonly [PASSTHROUGH] = true;

  constructor(
    /** The guest's exit status, as the unsigned 32-bit value WASI defines. */
    readonly code: number,
  ) {
    super(`the WebAssembly program exited with proc_exit(${code})`);
    this.name = "WasiExit";
  }
}
