/**
 * The worker's entry script on Node: receives the start message, runs the
 * guest (guest-side.ts) and posts how it ended. A browser build would do the
 * same with `self.onmessage` and `postMessage`.
 */
import { parentPort } from "node:worker_threads";
import { nativeImportsOver } from "../impl/node/native-fast-calls.js";
import { runGuest, type GuestStart, type ServeLocally } from "./guest-side.js";

// The clock and random bytes, when the host's are Node's own, are read here natively instead of
// being forwarded: a forwarded call is a round trip to the host thread (about 2 µs).
const serveLocally: ServeLocally = (forwarders, names, memory) => {
  const native = nativeImportsOver(forwarders, names);
  native?.attach(memory);
  return native?.imports ?? forwarders;
};

const port = parentPort;
if (port === null) throw new Error("guest-worker.js runs inside a worker thread");
port.once("message", (start: GuestStart) => port.postMessage(runGuest(start, serveLocally)));
