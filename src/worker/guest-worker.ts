/**
 * The worker's entry script on Node: receives the start message, runs the
 * guest (guest-side.ts) and posts how it ended. A browser build would do the
 * same with `self.onmessage` and `postMessage`.
 */
import { parentPort } from "node:worker_threads";
import { runGuest, type GuestStart } from "./guest-side.js";

const port = parentPort;
if (port === null) throw new Error("guest-worker.js runs inside a worker thread");
port.once("message", (start: GuestStart) => port.postMessage(runGuest(start)));
