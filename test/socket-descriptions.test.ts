/**
 * The socket descriptions (src/impl/node/socket-listener.ts, socket-connection.ts)
 * on their own, for what a connection did while it waited in the listener's
 * queue: events Node emitted before the guest accepted it must still count.
 * Each case waits for the event first, so the order is certain rather than raced.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { errno } from "../src/generated/preview1/types.js";
import type { FileDescription } from "../src/impl/description.js";
import { SocketListener } from "../src/impl/node/socket-listener.js";

const servers: Server[] = [];
const clients: Socket[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  for (const server of servers.splice(0)) server.close();
});

/** A listener description over a fresh server, and the server-side socket of each connection as it arrives. */
async function listener(): Promise<{ description: SocketListener; port: number; arrived: () => Promise<Socket> }> {
  const server = createServer({ allowHalfOpen: true });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const description = new SocketListener(server, false);
  const arrived = () => new Promise<Socket>((done) => server.once("connection", done));
  return { description, port: (server.address() as AddressInfo).port, arrived };
}

function client(port: number): Socket {
  const socket = connect({ port, host: "127.0.0.1" });
  socket.on("error", () => {});
  clients.push(socket);
  return socket;
}

function accepted(description: SocketListener): FileDescription {
  const result = { value: undefined as unknown as FileDescription };
  expect(description.accept(0, result)).toBe(errno.success);
  return result.value;
}

/** One blocking read: its errno and bytes, and whether the description had to wait (answered with a promise). */
async function readOnce(connection: FileDescription): Promise<{ waited: boolean; error: number; text: string }> {
  const buffer = new Uint8Array(64);
  const count = { value: 0 };
  const answer: unknown = connection.read([buffer], 0, count);
  const waited = answer instanceof Promise;
  const error = (waited ? await within(answer as Promise<number>) : answer) as number;
  return { waited, error, text: Buffer.from(buffer.subarray(0, count.value)).toString() };
}

/** `promise`, or a failure after 2 s: a read that never settles is the bug these cases catch. */
function within<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, fail) => setTimeout(() => fail(new Error("the read never settled")), 2000))]);
}

describe("a connection that ended while it waited to be accepted", () => {
  it("reads 0 bytes at once when the client closed before sending anything", async () => {
    const { description, port, arrived } = await listener();
    const serverSide = arrived();
    client(port).end();
    const socket = await serverSide;
    // The paused socket still emits 'end' for a bare FIN: wait for it, as a slow guest would.
    if (!socket.readableEnded) await new Promise((done) => socket.once("end", done));
    expect(await readOnce(accepted(description))).toEqual({ waited: false, error: errno.success, text: "" });
  });

  it("reads what the client sent, then 0 bytes, when it sent and closed before the accept", async () => {
    const { description, port, arrived } = await listener();
    const serverSide = arrived();
    const sender = client(port);
    sender.end("last words");
    await serverSide;
    await new Promise((done) => setTimeout(done, 50));
    const connection = accepted(description);
    expect(await readOnce(connection)).toMatchObject({ error: errno.success, text: "last words" });
    expect(await readOnce(connection)).toMatchObject({ error: errno.success, text: "" });
  });
});
