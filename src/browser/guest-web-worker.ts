/**
 * The Web Worker's side of runInWebWorker: the worker script an embedder
 * bundles calls `serveGuestInWorker()`, which waits for the page's start
 * message, runs the guest (src/worker/guest-side.ts, the same code the Node
 * worker runs) and posts back how it ended.
 */
import { runGuest, type GuestStart } from "../worker/guest-side.js";

/** The parts of a dedicated worker's global scope used here. */
export interface GuestWorkerScope {
  addEventListener(type: "message", listener: (event: MessageEvent) => void, options?: { once?: boolean }): void;
  postMessage(message: unknown): void;
}

/** Serves one guest run: call it at the top level of the worker's script. */
export function serveGuestInWorker(scope: GuestWorkerScope = globalThis as unknown as GuestWorkerScope): void {
  if (typeof (globalThis as { document?: unknown }).document === "object") {
    throw new Error("serveGuestInWorker runs inside the Web Worker that runInWebWorker starts, not on the page");
  }
  scope.addEventListener("message", (event) => scope.postMessage(runGuest(event.data as GuestStart)), { once: true });
}
