/**
 * The worker runner: the guest runs in a worker thread, its WASI host (the Node
 * host, the generated glue, any override) on the embedder's thread, which
 * stays free while the guest computes or waits. Use it when host code must
 * await (an async override), when stdin is interactive (a TTY, a pipe, a
 * stream) or when a guest must be stoppable (a timeout, an AbortSignal).
 * The in-thread `WASI` class stays the fast default.
 *
 * The guest's memory is shared between the two threads (its definition is
 * rewritten into a shared import, see share-memory.ts); each WASI call crosses
 * over the channel in runtime/channel-layout.ts, answered by the same generated glue
 * the in-thread class uses, reading and writing guest memory in place.
 *
 * How a run ends:
 * - `_start` returns: resolves 0; proc_exit(n): resolves n;
 * - the guest traps: rejects with a WebAssembly.RuntimeError whose stack is the guest's;
 * - a host import traps on the host thread (a bad pointer): rejects with that error,
 *   its `guestStack` property holding the guest's stack at the call;
 * - a host method throws or its promise rejects: the call gets an errno (the
 *   `onHostError` option picks it, `io` by default), as in the in-thread class;
 * - timeout or abort: rejects with GuestStopped (`reason` says which);
 * - the worker dies (out of memory, process.exit inside it): rejects with GuestWorkerDied.
 * Whatever the way, the worker is gone and every descriptor is closed when the promise settles.
 */
import { forwardedFunctions as preview1Functions, dispatchPreview1Imports } from "../generated/preview1/forward.js";
import { dispatchPreview0Imports } from "../generated/preview0/forward.js";
import type { Preview1Imports } from "../generated/preview1/glue.js";
import type { Preview0Imports } from "../generated/preview0/glue.js";
import { createNodeClockSource } from "../impl/node/clock-source.js";
import { nodeOwnImports } from "../impl/node/native-fast-calls.js";
import type { FileDescription } from "../impl/description.js";
import type { ClosableHost } from "../impl/preview1/compose-host.js";
import { WasiBase } from "../wasi/wasi-base.js";
import { WasiExit } from "../wasi/wasi-exit.js";
import { nodePlatform, type NodeStdioOptions, type WasiOptions } from "../wasi/wasi.js";
import { Suspension, type AsyncPreview1Host } from "./async-host.js";
import type { DispatchFailure } from "./host-dispatcher.js";
import { shareMemory } from "./share-memory.js";
import { checkSocketsOption, openGuestSockets, type SocketOption } from "./sockets.js";
import { GuestThreads, type ThreadCalls, type ThreadsEnding } from "./threads.js";
import { isStreamSource, StreamInputDescription, type StreamSource } from "../impl/stdio/stream-input.js";
import { AsyncOutputDescription, isDrainable, type AsyncOutputCallback, type DrainableWritable } from "../impl/stdio/stream-output.js";
import { GuestStopped, GuestWorkerDied } from "./run-errors.js";
import { asyncSleep, checkStopOptions, errorFromWorker } from "./run-shared.js";

export { GuestStopped, GuestWorkerDied };

/**
 * stdio for the worker runner: stdin may also be a stream or async iterable whose data
 * arrives while the guest runs; stdout and stderr may push back.
 */
export interface WorkerStdioOptions extends Omit<NodeStdioOptions, "stdin" | "stdout" | "stderr"> {
  /**
   * Besides everything the WASI class takes: process.stdin (a TTY or a pipe), a
   * Node Readable, a web ReadableStream or an async iterable of strings or bytes.
   * A read returns what has arrived and waits (in the worker) only when nothing has.
   */
  stdin?: NodeStdioOptions["stdin"] | StreamSource;
  /**
   * Besides everything the WASI class takes: a callback may return a promise, which the
   * write waits for, and a write to a Node writable stream whose buffer is full waits
   * for 'drain' (the guest waits in its worker; no byte is lost).
   */
  stdout?: NodeStdioOptions["stdout"] | AsyncOutputCallback | DrainableWritable;
  stderr?: NodeStdioOptions["stderr"] | AsyncOutputCallback | DrainableWritable;
}

export interface WorkerRunOptions extends Omit<WasiOptions, "stdio" | "host" | "memory" | "returnOnExit"> {
  stdio?: WorkerStdioOptions;
  /** Replaces or wraps host methods, which may return promises here (see extendAsyncHost). */
  host?: (base: AsyncPreview1Host) => AsyncPreview1Host;
  /** Stop the guest after this many milliseconds (GuestStopped, reason "timeout"). */
  timeout?: number;
  /** Stop the guest when this aborts (GuestStopped, reason "abort"). */
  signal?: AbortSignal;
  /**
   * TCP sockets the guest finds at fd 3, 4, ... (after stdio, before the preopens, as
   * wasmtime's --tcplisten): a net.Server or "host:port" to accept on, or a connected net.Socket.
   */
  sockets?: readonly SocketOption[];
}

type Ending = ThreadsEnding | { readonly kind: "stopped"; readonly reason: "timeout" | "abort" };

const wasiModules = { preview1: "wasi_snapshot_preview1", unstable: "wasi_unstable" } as const;

/**
 * Runs the command module `bytes` (its `_start`) in a worker and resolves with its
 * exit code. Takes the WASI class's options, plus `timeout`, `signal`, async `host`
 * overrides and streamed stdin.
 */
export async function runInWorker(bytes: ArrayBuffer | ArrayBufferView, options: WorkerRunOptions = {}): Promise<number> {
  checkStopOptions(options);
  checkSocketsOption(options.sockets);
  const { timeout, signal, host: override, stdio = {}, sockets: socketOptions = [], ...wasiOptions } = options;
  if (signal?.aborted) throw new GuestStopped("abort", "the guest was not started: the signal was already aborted");
  // Taken over at once, so no connection is missed while the module compiles.
  const socketsOpened = openGuestSockets(socketOptions);
  // Awaited below; until then a failed listen must not count as unhandled.
  socketsOpened.catch(() => {});
  const view = ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
  let plan: ReturnType<typeof shareMemory>;
  let module: WebAssembly.Module;
  try {
    plan = shareMemory(view);
    module = await WebAssembly.compile(plan.bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    socketsOpened.then(
      (sockets) => {
        for (const socket of sockets) socket.description.close();
      },
      () => {},
    );
    throw error;
  }
  const memory = new WebAssembly.Memory({ initial: plan.initial, maximum: plan.maximum, shared: true });

  const { stdin, stdout, stderr, ...rest } = stdio;
  const output = (value: unknown) =>
    typeof value === "function" || isDrainable(value) ? new AsyncOutputDescription(value as AsyncOutputCallback) : null;
  const outputs = [output(stdout), output(stderr)];
  const given = {
    ...rest,
    ...(stdout === undefined || outputs[0] !== null ? {} : { stdout }),
    ...(stderr === undefined || outputs[1] !== null ? {} : { stderr }),
  };
  const sockets = await socketsOpened;
  const streamed: StreamInputDescription | null = isStreamSource(stdin) ? new StreamInputDescription(stdin) : null;
  const suspension = new Suspension();
  const platform = nodePlatform(wasiOptions as WasiOptions);
  // The host with the embedder's override: each guest thread's glue wraps it in its own suspension.
  let host: AsyncPreview1Host | undefined;
  let wasi: WasiBase;
  try {
    wasi = new WasiBase(
      // Cast: `host` returns an AsyncPreview1Host here, which the class hands to the glue
      // untouched (the suspension wrapper turns its promises into replays).
      {
        ...wasiOptions,
        stdio: streamed === null && stdin !== undefined ? { ...given, stdin } : given,
        returnOnExit: true,
        memory,
        host: (base: AsyncPreview1Host) => {
          host = override === undefined ? base : override(base);
          return suspension.wrap(host, preview1Functions);
        },
      } as never,
      {
        ...platform,
        createHost: (setup) =>
          platform.createHost({
            ...setup,
            stdio: [streamed ?? setup.stdio[0], outputs[0] ?? setup.stdio[1], outputs[1] ?? setup.stdio[2]] as [
              FileDescription | number,
              FileDescription | number,
              FileDescription | number,
            ],
            time: setup.time ?? { clock: createNodeClockSource(), sleep: asyncSleep },
            sockets,
          }) as ClosableHost,
      },
    );
  } catch (error) {
    streamed?.close();
    for (const socket of sockets) socket.description.close();
    throw error;
  }
  const version = wasiOptions.version ?? "preview1";
  // The clock and random bytes may be read in the worker when they are the Node host's own and no trace must see them.
  const traced = wasiOptions.trace !== undefined && wasiOptions.trace !== false;
  const localImports = host === undefined || traced ? [] : nodeOwnImports(host);
  // Attaches the shared memory to the glue: a reactor without exports, its memory given as the `memory` option.
  wasi.initialize({ exports: {} } as WebAssembly.Instance);

  const dispatchOver = (imports: unknown) =>
    version === "unstable"
      ? (index: number, i32: Int32Array, i64: BigInt64Array) => dispatchPreview0Imports(imports as Preview0Imports, index, i32, i64)
      : (index: number, i32: Int32Array, i64: BigInt64Array) => dispatchPreview1Imports(imports as Preview1Imports, index, i32, i64);
  // The main thread uses the glue built above; each spawned thread gets its own over the same host.
  let mainCalls: ThreadCalls | undefined = { suspension, dispatch: dispatchOver(wasi.wasiImport) };
  const threadCalls = (): ThreadCalls => {
    const main = mainCalls;
    mainCalls = undefined;
    if (main !== undefined) return main;
    const own = new Suspension();
    return { suspension: own, dispatch: dispatchOver(wasi.importsOver(own.wrap(host as AsyncPreview1Host, preview1Functions))) };
  };
  let threads: GuestThreads | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  let ending: Ending;
  try {
    ending = await new Promise<Ending>((settle) => {
      threads = new GuestThreads(
        {
          module,
          memory,
          memoryImport: { module: plan.importModule, name: plan.importName },
          wasiModule: wasiModules[version],
          localImports,
        },
        threadCalls,
        settle,
      );
      if (timeout !== undefined) timer = setTimeout(() => settle({ kind: "stopped", reason: "timeout" }), timeout);
      if (signal !== undefined) {
        onAbort = () => settle({ kind: "stopped", reason: "abort" });
        // It may have aborted while the module compiled.
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      }
      threads.startMain();
    });
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
    await threads?.close();
    wasi.close();
    streamed?.close();
  }
  return outcome(ending, (threads as GuestThreads | undefined)?.failure ?? { thrown: undefined }, timeout);
}

function outcome(ending: Ending, failure: DispatchFailure, timeout: number | undefined): number {
  switch (ending.kind) {
    case "stopped":
      throw new GuestStopped(
        ending.reason,
        ending.reason === "timeout"
          ? `the guest was stopped after its ${timeout} ms timeout`
          : "the guest was stopped: the signal was aborted",
      );
    case "died":
      throw new GuestWorkerDied(
        `the guest's worker died: ${ending.error instanceof Error ? ending.error.message : String(ending.error)}`,
        null,
        {
          cause: ending.error,
        },
      );
    case "exited":
      throw new GuestWorkerDied(`the guest's worker exited with code ${ending.code} before the guest finished`, ending.code);
    case "guest":
      break;
  }
  const end = ending.end;
  if (end.kind === "failed") throw errorFromWorker(end);
  // A thread's proc_exit or trap may be reported after the main thread returned: it still counts.
  if (end.kind === "returned" && failure.thrown === undefined) return 0;
  const thrown = failure.thrown;
  if (thrown === undefined) throw new Error("worker runner: the guest unwound but no host call threw");
  if (thrown.error instanceof WasiExit) return thrown.error.code;
  if (thrown.error instanceof Error)
    Object.defineProperty(thrown.error, "guestStack", { value: end.kind === "unwound" ? end.stack : "", configurable: true });
  throw thrown.error;
}
