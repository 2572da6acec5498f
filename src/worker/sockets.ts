/**
 * The worker runner's `sockets` option: TCP listeners and connections the
 * guest finds right after stdio (fd 3, 4, ... in the order given), before the
 * preopens, as wasmtime numbers its `--tcplisten` listeners. An entry is a
 * Node net.Server (the embedder's, which it keeps listening and closes
 * itself), a "host:port" string (the runner listens there before the guest
 * starts and closes the listener when the run ends), or a connected
 * net.Socket (the guest owns it: closing the fd ends it).
 */
import type { Server, Socket } from "node:net";
import type { FileDescription } from "../impl/description.js";
import { SocketConnection } from "../impl/node/socket-connection.js";
import { SocketListener } from "../impl/node/socket-listener.js";
import { parseListenAddress } from "./listen-address.js";

export type SocketOption = Server | Socket | string;

// node:net is loaded when sockets are asked for, not when the package is imported (it
// pulls in streams and several bindings, milliseconds of start-up).
const net = () => process.getBuiltinModule("node:net");

export interface GuestSocket {
  readonly description: FileDescription;
  readonly listening: boolean;
}

/** Listening on a "host:port" entry failed (the address is in use, not local, ...). */
export class SocketListenError extends Error {
  constructor(
    readonly address: string,
    readonly index: number,
    cause: Error,
  ) {
    super(`options.sockets[${index}]: cannot listen on ${address}: ${cause.message}`, { cause });
    this.name = "SocketListenError";
  }
}

function listen(address: { host: string; port: number }, text: string, index: number): Promise<Server> {
  // allowHalfOpen: a client's FIN lets the guest read 0 bytes and still send its answer.
  const server = net().createServer({ allowHalfOpen: true, pauseOnConnect: true });
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(new SocketListenError(text, index, error));
    server.once("error", failed);
    server.listen(address.port, address.host, () => {
      server.removeListener("error", failed);
      resolve(server);
    });
  });
}

/** Checks the option's shape; throws a TypeError naming the entry. */
export function checkSocketsOption(value: unknown): asserts value is readonly SocketOption[] | undefined {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw new TypeError(`The "options.sockets" property must be an array. Received ${typeof value}`);
  value.forEach((entry: unknown, index) => {
    const where = `options.sockets[${index}]`;
    if (typeof entry === "string") {
      if (parseListenAddress(entry) === null)
        throw new TypeError(`The "${where}" property must be "host:port" (port 0 to 65535). Received ${JSON.stringify(entry)}`);
    } else if (!(entry instanceof net().Server) && !(entry instanceof net().Socket)) {
      throw new TypeError(`The "${where}" property must be a net.Server, a net.Socket or a "host:port" string`);
    }
  });
}

/**
 * The guest's socket descriptions, listening where asked; `close()` on each lets go of
 * what it holds. The embedder's servers and sockets are taken over before this returns
 * (a connection arriving while the module compiles is queued, not lost); the promise
 * settles once the "host:port" listeners listen.
 */
export function openGuestSockets(entries: readonly SocketOption[]): Promise<GuestSocket[]> {
  const { Server, Socket } = net();
  const opened: (GuestSocket | null)[] = entries.map((entry) => {
    if (entry instanceof Socket) return { description: new SocketConnection(entry), listening: false };
    if (entry instanceof Server) return { description: new SocketListener(entry, false), listening: true };
    return null;
  });
  const closeAll = () => {
    for (const socket of opened) socket?.description.close();
  };
  return (async () => {
    try {
      for (const [index, entry] of entries.entries()) {
        if (typeof entry !== "string") continue;
        const server = await listen(parseListenAddress(entry) as { host: string; port: number }, entry, index);
        opened[index] = { description: new SocketListener(server, true), listening: true };
      }
    } catch (error) {
      closeAll();
      throw error;
    }
    return opened as GuestSocket[];
  })();
}
