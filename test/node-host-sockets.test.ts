// sock_* through the generated glue. The host has no sockets of its own, so a
// socket reaches the guest only as a stdio fd; here a connected Unix socket
// plays stdin. Everything else is notsock, a closed descriptor badf.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { once } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errno, filetype, rights } from "../src/generated/preview1/types.js";
import { Harness, OFLAGS, makeTempDir } from "./support/node-host-harness.js";

let dir: string;
let cleanup: () => void;
let h: Harness;

function recv(fd: number, size: number, flags = 0): [number, string, number] {
  const buffer = h.alloc(size, 1);
  const [iovs, count] = h.iovecs([[buffer, size]]);
  const n = h.alloc(4, 4);
  const roflags = h.alloc(4, 4);
  const error = h.imports.sock_recv(fd, iovs, count, flags, n, roflags);
  return [error, error === 0 ? h.text(buffer, h.u32(n)) : "", h.view.getUint16(roflags, true)];
}

function send(fd: number, data: string): [number, number] {
  const [iovs, count] = h.iovecs([h.put(data)]);
  const n = h.alloc(4, 4);
  const error = h.imports.sock_send(fd, iovs, count, 0, n);
  return [error, error === 0 ? h.u32(n) : -1];
}

describe("descriptors that are not sockets", () => {
  beforeEach(() => {
    [dir, cleanup] = makeTempDir("node-host-sock-");
    fs.writeFileSync(path.join(dir, "f.txt"), "x");
    h = new Harness({ preopens: [["/sandbox", dir]] });
  });
  afterEach(() => {
    h.close();
    cleanup();
  });

  it("a file or a directory gives notsock for every call", () => {
    const [, file] = h.open(3, "f.txt", { oflags: 0 });
    for (const fd of [file, 3]) {
      expect(h.imports.sock_accept(fd, 0, h.alloc(4, 4))).toBe(errno.notsock);
      expect(recv(fd, 4)[0]).toBe(errno.notsock);
      expect(send(fd, "x")[0]).toBe(errno.notsock);
      expect(h.imports.sock_shutdown(fd, 3)).toBe(errno.notsock);
    }
  });

  it("a closed descriptor gives badf", () => {
    const [, file] = h.open(3, "f.txt", { oflags: OFLAGS.creat });
    h.imports.fd_close(file);
    expect(h.imports.sock_accept(file, 0, h.alloc(4, 4))).toBe(errno.badf);
    expect(recv(file, 4)[0]).toBe(errno.badf);
    expect(send(file, "x")[0]).toBe(errno.badf);
    expect(h.imports.sock_shutdown(file, 3)).toBe(errno.badf);
  });
});

describe("a connected socket as stdin", () => {
  let server: net.Server;
  let client: net.Socket;
  let peer: net.Socket;

  beforeEach(async () => {
    [dir, cleanup] = makeTempDir("node-host-sock-");
    server = net.createServer();
    server.listen(path.join(dir, "s.sock"));
    await once(server, "listening");
    client = net.connect(path.join(dir, "s.sock"));
    const accepted = once(server, "connection");
    await once(client, "connect");
    // Keep libuv off this socket: the guest reads it synchronously.
    client.pause();
    const handle = (client as unknown as { _handle: { reading: boolean; readStop(): void } })._handle;
    handle.reading = false;
    handle.readStop();
    [peer] = (await accepted) as [net.Socket];
    peer.write("ping");
    await new Promise((resolve) => setTimeout(resolve, 30));
    h = new Harness({ stdin: (client as unknown as { _handle: { fd: number } })._handle.fd });
  });
  afterEach(async () => {
    h.close();
    client.destroy();
    peer.destroy();
    server.close();
    await once(server, "close");
    cleanup();
  });

  it("is a stream socket with socket rights", () => {
    const [, stat] = h.fdstat(0);
    expect(stat!.fs_filetype).toBe(filetype.socket_stream);
    expect(stat!.fs_rights_base & rights.sock_shutdown).toBe(rights.sock_shutdown);
  });

  it("receives and sends data", async () => {
    expect(recv(0, 16)).toEqual([errno.success, "ping", 0]);
    expect(send(0, "pong")).toEqual([errno.success, 4]);
    const [data] = (await once(peer, "data")) as [Buffer];
    expect(data.toString()).toBe("pong");
  });

  it("answers notsup where Node offers no system call: recv flags, shutdown, accept", () => {
    expect(recv(0, 16, 1)[0]).toBe(errno.notsup);
    expect(h.imports.sock_shutdown(0, 2)).toBe(errno.notsup);
    expect(h.imports.sock_shutdown(0, 0)).toBe(errno.inval);
    expect(h.imports.sock_accept(0, 0, h.alloc(4, 4))).toBe(errno.notcapable);
  });
});

describe("stdin and stdout on /dev/null, from a wat guest", () => {
  const child = fileURLToPath(new URL("./support/sock-probe-child.ts", import.meta.url));
  const probe = (host: "ours" | "node", call: string, fd: number) =>
    spawnSync(process.execPath, ["--import", "tsx", "--no-warnings", child, host, call, String(fd)], { encoding: "utf8", timeout: 30_000 });
  const calls = ["sock_accept", "sock_recv", "sock_send", "sock_shutdown"];

  it.each(calls)("%s on fd 0 and fd 1 gives notsock on our host", (call) => {
    for (const fd of [0, 1]) {
      const run = probe("ours", call, fd);
      expect(run.stdout.trim(), run.stderr).toBe(String(errno.notsock));
    }
  });

  // node:wasi is wrong here, and dangerously so: the call crashes the process.
  it.each(calls.slice(0, 3))("%s on stdin (/dev/null) crashes node:wasi with SIGSEGV", (call) => {
    const run = probe("node", call, 0);
    expect(run.signal).toBe("SIGSEGV");
  });
});
