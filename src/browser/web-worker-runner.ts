/**
 * The worker runner for the browser: the guest runs in a Web Worker, its WASI
 * host (the portable host, the generated glue, any override) on the page, whose
 * event loop stays free while the guest computes or waits for input. This is
 * what gives a page interactive stdin (a ReadableStream the page feeds as the
 * person types), async host code, and a guest that can be stopped.
 *
 * It is the Node runner (src/worker/run-in-worker.ts) with the Node parts
 * swapped: a Web Worker instead of worker_threads (its script is the
 * embedder's, calling `serveGuestInWorker()`), the portable host instead of
 * the Node one, and a setTimeout sleep so poll_oneoff never blocks the page.
 * The channel, the memory rewrite, the dispatcher and the suspend-and-replay
 * of async host methods are the same modules.
 *
 * Shared memory needs a cross-origin isolated page (served with
 * `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`); without it the run is refused
 * at once with an error saying so.
 *
 * How a run ends: as in the Node runner (0 or the exit code; the guest's
 * trap as a WebAssembly.RuntimeError; GuestStopped on timeout or abort), and
 * GuestWorkerDied when the worker's script fails to load or run.
 */
import { forwardedFunctions as preview1Functions, dispatchPreview1Imports } from "../generated/preview1/forward.js";
import { dispatchPreview0Imports } from "../generated/preview0/forward.js";
import type { Preview1Imports } from "../generated/preview1/glue.js";
import type { Preview0Imports } from "../generated/preview0/glue.js";
import type { FileDescription } from "../impl/description.js";
import { createPortableClockSource } from "../impl/portable/clock-source.js";
import type { ClosableHost } from "../impl/preview1/compose-host.js";
import { isStreamSource, StreamInputDescription, type StreamSource } from "../impl/stdio/stream-input.js";
import { AsyncOutputDescription, type AsyncOutputCallback } from "../impl/stdio/stream-output.js";
import { CHANNEL_BYTES } from "../runtime/channel-layout.js";
import type { StdioOptions } from "../wasi/stdio-options.js";
import { wasiImportNames } from "../wasi/import-names.js";
import { WasiBase, type WasiBaseOptions } from "../wasi/wasi-base.js";
import { WasiExit } from "../wasi/wasi-exit.js";
import { portablePlatform } from "../wasi/wasi-portable.js";
import { Suspension, type AsyncPreview1Host } from "../worker/async-host.js";
import type { GuestEnd, GuestStart } from "../worker/guest-side.js";
import { HostDispatcher } from "../worker/host-dispatcher.js";
import { GuestStopped, GuestWorkerDied } from "../worker/run-errors.js";
import { asyncSleep, checkStopOptions, errorFromWorker } from "../worker/run-shared.js";
import { shareMemory } from "../worker/share-memory.js";

/**
 * What the runner uses of a Web Worker: a DOM `Worker` is one. Written out so that
 * the package's declarations compile in projects without the DOM lib.
 */
export interface GuestWebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: string, listener: (event: never) => void, options?: { once?: boolean }): void;
}

/** stdio for the browser's worker runner. */
export interface WebWorkerStdioOptions {
  /**
   * Besides a string, bytes or a source function: a ReadableStream or async
   * iterable of strings or bytes whose data arrives while the guest runs (what a
   * person types). A read returns what has arrived and waits only when nothing has.
   */
  stdin?: StdioOptions["stdin"] | StreamSource;
  /** Besides what the WASI class takes: a callback may return a promise, which the write waits for. */
  stdout?: StdioOptions["stdout"] | AsyncOutputCallback;
  stderr?: StdioOptions["stderr"] | AsyncOutputCallback;
}

export interface WebWorkerRunOptions extends Omit<WasiBaseOptions, "stdio" | "host" | "memory" | "returnOnExit"> {
  /**
   * The worker that runs the guest: its script's URL (started as a module
   * worker), or a function that starts it. Its script calls `serveGuestInWorker()`.
   */
  worker: string | URL | (() => GuestWebWorker);
  stdio?: WebWorkerStdioOptions;
  /** Replaces or wraps host methods, which may return promises here. */
  host?: (base: AsyncPreview1Host) => AsyncPreview1Host;
  /** Stop the guest after this many milliseconds (GuestStopped, reason "timeout"). */
  timeout?: number;
  /** Stop the guest when this aborts (GuestStopped, reason "abort"). */
  signal?: AbortSignal;
}

type Ending =
  | { readonly kind: "guest"; readonly end: GuestEnd }
  | { readonly kind: "died"; readonly message: string }
  | { readonly kind: "stopped"; readonly reason: "timeout" | "abort" };

const wasiModules = { preview1: "wasi_snapshot_preview1", unstable: "wasi_unstable" } as const;

/** Says why this page cannot share memory with a worker, or null when it can. */
function isolationProblem(): string | null {
  if (typeof SharedArrayBuffer === "function" && globalThis.crossOriginIsolated !== false) return null;
  return (
    "runInWebWorker needs a cross-origin isolated page, since the guest's memory is shared with the worker: " +
    "serve the page with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp " +
    "(or run the guest on the page with the WASI class instead)"
  );
}

function checkOptions(options: WebWorkerRunOptions): void {
  const { timeout, signal, worker } = options;
  if (typeof worker !== "string" && typeof worker !== "function" && !(worker instanceof URL)) {
    throw new TypeError(
      `The "options.worker" property must be the URL of the guest worker's script or a function starting it. Received ${String(worker)}`,
    );
  }
  checkStopOptions({ timeout, signal });
}

function startWorker(worker: WebWorkerRunOptions["worker"]): Worker {
  // A GuestWebWorker from the embedder is a DOM Worker at run time; the structural type only keeps DOM out of our declarations.
  return typeof worker === "function" ? (worker() as Worker) : new Worker(worker, { type: "module", name: "witx-wasi guest" });
}

/**
 * Refuses, before a worker is started, a module importing what the worker will
 * not give it: the worker's own LinkError would only say which import index failed.
 */
function checkImports(module: WebAssembly.Module, version: "preview1" | "unstable", memoryImport: { module: string; name: string }): void {
  const wasi = wasiImportNames(version);
  const provided = new Set(wasi.functions);
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    if (from === memoryImport.module && name === memoryImport.name) continue;
    if (from === wasi.module && kind === "function" && provided.has(name)) continue;
    throw new WebAssembly.LinkError(
      `the module imports "${from}" "${name}" (a ${kind}), which the WASI host does not provide: it gives the functions of "${wasi.module}" and the memory`,
    );
  }
}

/**
 * Runs the command module `bytes` (its `_start`) in a Web Worker and resolves
 * with its exit code. Takes the portable WASI class's options (`mounts`, `stdio`,
 * `args`, `env`, ...), plus `worker`, `timeout`, `signal`, async `host` overrides
 * and streamed stdin.
 */
export async function runInWebWorker(bytes: ArrayBuffer | ArrayBufferView, options: WebWorkerRunOptions): Promise<number> {
  if (options === null || typeof options !== "object")
    throw new TypeError(`The "options" argument must be an object with a "worker" property. Received ${String(options)}`);
  checkOptions(options);
  const problem = isolationProblem();
  if (problem !== null) throw new Error(problem);
  const { timeout, signal, host: override, stdio = {}, worker: workerOption, ...wasiOptions } = options;
  if (signal?.aborted) throw new GuestStopped("abort", "the guest was not started: the signal was already aborted");
  const view = ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
  const plan = shareMemory(view);
  const module = await WebAssembly.compile(plan.bytes as Uint8Array<ArrayBuffer>);
  const version = wasiOptions.version ?? "preview1";
  checkImports(module, version, { module: plan.importModule, name: plan.importName });
  const memory = new WebAssembly.Memory({ initial: plan.initial, maximum: plan.maximum, shared: true });

  const { stdin, stdout, stderr } = stdio;
  const output = (value: unknown) => (typeof value === "function" ? new AsyncOutputDescription(value as AsyncOutputCallback) : null);
  const outputs = [output(stdout), output(stderr)];
  const streamed = isStreamSource(stdin) ? new StreamInputDescription(stdin) : null;
  const given = {
    ...(stdin === undefined || streamed !== null ? {} : { stdin }),
    ...(stdout === undefined || outputs[0] !== null ? {} : { stdout }),
    ...(stderr === undefined || outputs[1] !== null ? {} : { stderr }),
  };
  const suspension = new Suspension();
  let wasi: WasiBase;
  try {
    wasi = new WasiBase(
      // Cast: `host` returns an AsyncPreview1Host here, which the class hands to the glue
      // untouched (the suspension wrapper turns its promises into replays).
      {
        ...wasiOptions,
        stdio: given,
        returnOnExit: true,
        memory,
        host: (base: AsyncPreview1Host) => suspension.wrap(override === undefined ? base : override(base), preview1Functions),
      } as never,
      {
        ...portablePlatform,
        createHost: (setup) =>
          portablePlatform.createHost({
            ...setup,
            stdio: [streamed ?? setup.stdio[0], outputs[0] ?? setup.stdio[1], outputs[1] ?? setup.stdio[2]] as [
              FileDescription,
              FileDescription,
              FileDescription,
            ],
            time: setup.time ?? { clock: createPortableClockSource(), sleep: asyncSleep },
          }) as ClosableHost,
      },
    );
  } catch (error) {
    streamed?.close();
    throw error;
  }
  // Attaches the shared memory to the glue: a reactor without exports, its memory given as the `memory` option.
  wasi.initialize({ exports: {} } as WebAssembly.Instance);

  const channel = new SharedArrayBuffer(CHANNEL_BYTES);
  const i32 = new Int32Array(channel);
  const i64 = new BigInt64Array(channel);
  const dispatch =
    version === "unstable"
      ? (index: number) => dispatchPreview0Imports(wasi.wasiImport as Preview0Imports, index, i32, i64)
      : (index: number) => dispatchPreview1Imports(wasi.wasiImport as Preview1Imports, index, i32, i64);
  const dispatcher = new HostDispatcher(channel, dispatch, suspension);

  let worker: Worker | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  let ending: Ending;
  try {
    worker = startWorker(workerOption);
    const started = worker;
    ending = await new Promise<Ending>((settle) => {
      started.addEventListener("message", (event) => settle({ kind: "guest", end: event.data as GuestEnd }), { once: true });
      started.addEventListener(
        "error",
        (event) => {
          // A script that fails to load gives a bare Event; one that throws, an ErrorEvent with its message.
          event.preventDefault();
          const message = event instanceof ErrorEvent && event.message !== "" ? event.message : "its script could not be loaded or run";
          settle({ kind: "died", message });
        },
        { once: true },
      );
      started.addEventListener("messageerror", () => settle({ kind: "died", message: "its answer could not be read" }), { once: true });
      if (timeout !== undefined) timer = setTimeout(() => settle({ kind: "stopped", reason: "timeout" }), timeout);
      if (signal !== undefined) {
        onAbort = () => settle({ kind: "stopped", reason: "abort" });
        // It may have aborted while the module compiled.
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      }
      dispatcher
        .serve()
        .catch((error: unknown) => settle({ kind: "died", message: error instanceof Error ? error.message : String(error) }));
      const start: GuestStart = {
        module,
        memory,
        memoryImport: { module: plan.importModule, name: plan.importName },
        wasiModule: wasiModules[version],
        channel,
      };
      started.postMessage(start);
    });
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
    dispatcher.close();
    // A Web Worker stops at once; there is no exit to wait for.
    worker?.terminate();
    wasi.close();
    streamed?.close();
  }
  return outcome(ending, dispatcher, timeout);
}

function outcome(ending: Ending, dispatcher: HostDispatcher, timeout: number | undefined): number {
  if (ending.kind === "stopped") {
    throw new GuestStopped(
      ending.reason,
      ending.reason === "timeout"
        ? `the guest was stopped after its ${timeout} ms timeout`
        : "the guest was stopped: the signal was aborted",
    );
  }
  if (ending.kind === "died") throw new GuestWorkerDied(`the guest's worker failed: ${ending.message}`, null);
  const end = ending.end;
  if (end.kind === "failed") throw errorFromWorker(end);
  if (end.kind === "returned") return 0;
  const thrown = dispatcher.thrown;
  if (thrown === undefined) throw new Error("worker runner: the guest unwound but no host call threw");
  if (thrown.error instanceof WasiExit) return thrown.error.code;
  if (thrown.error instanceof Error) Object.defineProperty(thrown.error, "guestStack", { value: end.stack, configurable: true });
  throw thrown.error;
}
