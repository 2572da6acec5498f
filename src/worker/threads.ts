/**
 * The guest's threads on the host side: the main thread (`_start`) and every
 * thread a wasi-threads guest spawns. Each runs in its own worker over the one
 * shared memory and has its own channel, dispatcher and glue (the glue keeps
 * a result slot per function, which two threads' calls must not share); all
 * of them call the one host, so they share the fd table, the preopens and
 * stdio. The host thread answers one call at a time, so the host's state
 * never sees two calls at once.
 *
 * How the threads end (the wasi-threads proposal, as wasmtime does it):
 * - the main thread returning from `_start`, proc_exit from any thread, a
 *   trap in any thread, a worker dying: the run ends, every worker is terminated;
 * - a spawned thread returning from `wasi_thread_start`: only that thread ends.
 */
import type { Worker } from "node:worker_threads";
import * as errno from "../generated/preview1/errno.js";
import { ARG_I32, CHANNEL_BYTES } from "../runtime/channel-layout.js";
import type { Suspension } from "./async-host.js";
import type { GuestEnd, GuestStart } from "./guest-side.js";
import { HostDispatcher, type Dispatch, type DispatchFailure } from "./host-dispatcher.js";
import { exportsThreadStart, THREAD_SPAWN } from "./thread-spawn.js";
import { startGuestWorker } from "./worker-script.js";

/** How the run ended, as the threads saw it. */
export type ThreadsEnding =
  | { readonly kind: "guest"; readonly end: GuestEnd }
  | { readonly kind: "died"; readonly error: unknown }
  | { readonly kind: "exited"; readonly code: number };

/** What a new thread's calls go through: a dispatcher over its own glue, and that glue's suspension. */
export interface ThreadCalls {
  readonly dispatch: (index: number, i32: Int32Array, i64: BigInt64Array) => ReturnType<Dispatch>;
  readonly suspension: Suspension;
}

/** Thread ids are positive and below 2^29 (the proposal keeps the top bits for the runtime). */
const MAX_TID = 2 ** 29 - 1;
/** Live spawned threads at once; a spawn past it fails (each is a Node worker with its own heap). */
const MAX_LIVE_THREADS = 64;

interface GuestThread {
  readonly worker: Worker;
  readonly dispatcher: HostDispatcher;
}

export class GuestThreads {
  /** The first import that threw, in any thread: it ends the run and decides how. */
  readonly failure: DispatchFailure = { thrown: undefined };
  private readonly threads = new Set<GuestThread>();
  private readonly stopping: Promise<number>[] = [];
  private readonly canSpawn: boolean;
  private nextTid = 1;
  private spawned = 0;
  private over = false;

  constructor(
    private readonly start: Omit<GuestStart, "channel" | "thread">,
    private readonly newThreadCalls: () => ThreadCalls,
    private readonly end: (ending: ThreadsEnding) => void,
  ) {
    this.canSpawn = exportsThreadStart(start.module);
  }

  /** Starts the main thread, which runs `_start`. */
  startMain(): void {
    this.launch(undefined);
  }

  /** Stops every thread: no call is answered any more and every worker is terminated and awaited. */
  async close(): Promise<void> {
    this.over = true;
    for (const thread of this.threads) this.stop(thread);
    await Promise.all(this.stopping);
  }

  /** `thread-spawn(arg)`: the new thread's id, or a negative errno when it cannot start. */
  private spawn(arg: number): number {
    if (this.over || !this.canSpawn) return -errno.nosys;
    if (this.spawned >= MAX_LIVE_THREADS || this.nextTid > MAX_TID) return -errno.again;
    const tid = this.nextTid++;
    try {
      this.launch({ tid, arg });
    } catch {
      return -errno.again;
    }
    return tid;
  }

  private launch(thread: { tid: number; arg: number } | undefined): void {
    const channel = new SharedArrayBuffer(CHANNEL_BYTES);
    const i32 = new Int32Array(channel);
    const i64 = new BigInt64Array(channel);
    const calls = this.newThreadCalls();
    const dispatch = (index: number) => (index === THREAD_SPAWN ? this.spawn(i32[ARG_I32]) : calls.dispatch(index, i32, i64));
    const dispatcher = new HostDispatcher(channel, dispatch, calls.suspension, this.failure);
    const worker = startGuestWorker();
    const entry: GuestThread = { worker, dispatcher };
    this.threads.add(entry);
    if (thread !== undefined) this.spawned++;
    let reported = false;
    worker.once("message", (end: GuestEnd) => {
      reported = true;
      // A spawned thread that returned ends alone; anything else ends the run.
      if (thread !== undefined && end.kind === "returned") {
        this.spawned--;
        this.stop(entry);
      } else {
        this.finish({ kind: "guest", end });
      }
    });
    worker.once("error", (error) => this.finish({ kind: "died", error }));
    worker.once("exit", (code) => {
      if (!reported) this.finish({ kind: "exited", code });
    });
    dispatcher.serve().catch((error: unknown) => this.finish({ kind: "died", error }));
    worker.postMessage({ ...this.start, channel, thread } satisfies GuestStart);
  }

  private finish(ending: ThreadsEnding): void {
    if (this.over) return;
    this.over = true;
    this.end(ending);
  }

  private stop(thread: GuestThread): void {
    if (!this.threads.delete(thread)) return;
    thread.dispatcher.close();
    this.stopping.push(thread.worker.terminate());
  }
}
