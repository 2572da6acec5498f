/**
 * How a run in a worker can fail besides the guest's own trap: shared by the
 * Node runner (run-in-worker.ts) and the browser's (src/browser/), so an
 * embedder catches the same classes on both. No Node here.
 */
/** The guest was stopped by the embedder before it finished. */
export class GuestStopped extends Error {
  constructor(
    readonly reason: "timeout" | "abort",
    message: string,
  ) {
    super(message);
    this.name = "GuestStopped";
  }
}

/** The worker running the guest ended without the guest ending (out of memory, process.exit inside it). */
export class GuestWorkerDied extends Error {
  constructor(
    message: string,
    /** The worker's exit code, when it exited rather than failed. */
    readonly exitCode: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "GuestWorkerDied";
  }
}
