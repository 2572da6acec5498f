/**
 * What the worker does: instantiate the guest with the generated forwarders as
 * its WASI imports and the shared memory as its memory, run its entry point,
 * and say how it ended. No Node here, so a browser Worker can run it too.
 */
import { forwardPreview0Imports } from "../generated/preview0/forward.js";
import { forwardPreview1Imports } from "../generated/preview1/forward.js";
import { ANSWERED, ARG_I32, CALLING, FUNCTION, OUTCOME, RESULT, STATE, THREW, type ForwardChannel } from "../runtime/channel-layout.js";
import { importsThreadSpawn, THREAD_SPAWN, THREAD_SPAWN_MODULE, THREAD_SPAWN_NAME, THREAD_START_EXPORT } from "./thread-spawn.js";

/** What the host thread sends to start the guest. */
export interface GuestStart {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly memoryImport: { readonly module: string; readonly name: string };
  readonly wasiModule: "wasi_snapshot_preview1" | "wasi_unstable";
  readonly channel: SharedArrayBuffer;
  /** Set for a thread made by `thread-spawn`: it runs `wasi_thread_start(tid, arg)` instead of `_start`. */
  readonly thread?: { readonly tid: number; readonly arg: number };
  /**
   * Imports the host thread found to be the Node host's own clock or randomness: the
   * worker may serve them itself (`ServeLocally`) instead of forwarding each call.
   */
  readonly localImports?: readonly string[];
}

/**
 * Makes some of the forwarders local, given the guest's memory (the Node worker serves the
 * clock and random bytes natively); returns the import functions to use.
 */
export type ServeLocally = (forwarders: object, names: readonly string[], memory: WebAssembly.Memory) => object;

/** How the guest's run ended, as the worker reports it. */
export type GuestEnd =
  | { readonly kind: "returned" }
  /** An import threw on the host thread (proc_exit, a trap there); the host knows what. */
  | { readonly kind: "unwound"; readonly stack: string }
  /** The guest trapped, or instantiation failed: the error as the worker saw it, with the guest's stack. */
  | { readonly kind: "failed"; readonly name: string; readonly message: string; readonly stack: string };

/** Thrown into the guest when the host thread's import threw; it unwinds the guest to `runGuest`. */
class HostUnwind extends Error {
  constructor() {
    super("the host ended the guest");
    this.name = "HostUnwind";
  }
}

class GuestChannel implements ForwardChannel {
  readonly i32: Int32Array;
  readonly i64: BigInt64Array;

  constructor(buffer: SharedArrayBuffer) {
    this.i32 = new Int32Array(buffer);
    this.i64 = new BigInt64Array(buffer);
  }

  call(index: number): number {
    const control = this.i32;
    control[FUNCTION] = index;
    Atomics.store(control, STATE, CALLING);
    Atomics.notify(control, STATE);
    // Most answers come within microseconds; waking from Atomics.wait costs tens of
    // microseconds on an idle VM, so look for a while before going to sleep.
    for (let spin = 0; spin < answerSpins && Atomics.load(control, STATE) === CALLING; spin++);
    while (Atomics.load(control, STATE) === CALLING) Atomics.wait(control, STATE, CALLING);
    if (control[OUTCOME] === THREW) throw new HostUnwind();
    return control[RESULT];
  }
}

/** Loads of the state before the worker sleeps on it: about 20 µs. */
const answerSpins = 20_000;

export function runGuest(start: GuestStart, serveLocally?: ServeLocally): GuestEnd {
  const channel = new GuestChannel(start.channel);
  Atomics.store(channel.i32, STATE, ANSWERED);
  const forwarders = start.wasiModule === "wasi_unstable" ? forwardPreview0Imports(channel) : forwardPreview1Imports(channel);
  const local = start.localImports ?? [];
  const wasi = serveLocally === undefined || local.length === 0 ? forwarders : serveLocally(forwarders, local, start.memory);
  const imports: WebAssembly.Imports = { [start.wasiModule]: wasi as unknown as WebAssembly.ModuleImports };
  if (importsThreadSpawn(start.module)) {
    const spawn = (arg: number): number => {
      channel.i32[ARG_I32] = arg;
      return channel.call(THREAD_SPAWN);
    };
    imports[THREAD_SPAWN_MODULE] = { ...imports[THREAD_SPAWN_MODULE], [THREAD_SPAWN_NAME]: spawn };
  }
  imports[start.memoryImport.module] = { ...imports[start.memoryImport.module], [start.memoryImport.name]: start.memory };
  try {
    const instance = new WebAssembly.Instance(start.module, imports);
    const thread = start.thread;
    const name = thread === undefined ? "_start" : THREAD_START_EXPORT;
    const entry = instance.exports[name];
    if (typeof entry !== "function") throw new TypeError(`the module does not export a ${name} function`);
    if (thread === undefined) entry();
    else entry(thread.tid, thread.arg);
    return { kind: "returned" };
  } catch (error) {
    if (error instanceof HostUnwind) return { kind: "unwound", stack: error.stack ?? "" };
    const described = error instanceof Error ? error : new Error(String(error));
    return { kind: "failed", name: described.name, message: described.message, stack: described.stack ?? "" };
  }
}
