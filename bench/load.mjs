// Load figures for the worker runner's sockets and threads (issue 12), loopback only:
//
// - "http": the HTTP/1.0 server guest (test/sockets/guests/http_server.c) on a
//   listener, ours (runInWorker) against a native build of the same C source
//   (gcc; wasmtime cannot be installed here). The client makes N requests for
//   GET /hello, each on a new connection, one at a time ("sequential") and from
//   C clients at once ("concurrent"); requests/s and p50/p99 latency.
// - "threads": bench/workloads/threads_writes.wat, T threads each doing M
//   writes of 16 bytes to one file, with W rounds of arithmetic before each
//   write; the same total writes with 1 and with 2 threads, wall time of the
//   whole run (worker start-up included), and the speedup; next to it, the
//   same split of plain arithmetic over plain Node workers, which shows how
//   much parallelism the (shared) machine gives at the time.
//
// Hosts run alternately, `--reps` times; medians are reported.
// Needs `npm run build` (the bundle) and `bash test/sockets/build.sh --native`.
//
//   node bench/load.mjs [--reps 3] [--requests 400] [--writes 20000]
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, existsSync } from "node:fs";
import http from "node:http";
import { createServer, connect } from "node:net";
import { tmpdir, loadavg, cpus } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import initWabt from "wabt";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const reps = option("reps", 3);
const requests = option("requests", 400);
const concurrency = 4;
const totalWrites = option("writes", 20000);

const { runInWorker } = await import(path.join(root, "dist/bundle/index.js"));
const serverWasm = readFileSync(path.join(root, "test/sockets/bin/http_server.wasm"));
const nativeServer = path.join(root, "test/sockets/bin/http_server-native");
if (!existsSync(nativeServer)) throw new Error("build the native server first: bash test/sockets/build.sh --native");

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

function get(port, target) {
  return new Promise((done, fail) => {
    const started = performance.now();
    const request = http.get({ host: "127.0.0.1", port, path: target, agent: false }, (response) => {
      response.resume();
      response.on("end", () => done(performance.now() - started));
    });
    request.on("error", fail);
  });
}

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

async function reachable(port) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const ok = await new Promise((done) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.destroy();
        done(true);
      });
      socket.on("error", () => done(false));
    });
    if (ok) return;
    await sleep(25);
  }
  throw new Error(`nothing listens on ${port}`);
}

/** Starts a server for `connections` connections; returns its port and a promise of its end. */
async function startServer(host, connections) {
  const args = [String(connections), "20000"];
  if (host === "native") {
    const port = await freePort();
    // One more connection: the probe below that waits for it to listen.
    const child = spawn(nativeServer, [String(connections + 1), "20000", String(port)], { stdio: "ignore" });
    const ended = new Promise((done) => child.once("exit", done));
    await reachable(port);
    return { port, ended };
  }
  const server = createServer({ allowHalfOpen: true });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const ended = runInWorker(serverWasm, { args: ["http_server", ...args], sockets: [server], stdio: { stderr: () => {} } }).finally(() =>
    server.close(),
  );
  return { port: server.address().port, ended };
}

async function httpRound(host, clients) {
  const perClient = Math.ceil(requests / clients);
  const { port, ended } = await startServer(host, perClient * clients + clients + 1);
  // Warm-up: a few requests before timing (JIT of the host, the guest's first accept).
  for (let i = 0; i < clients; i++) await get(port, "/hello");
  const latencies = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < perClient; i++) latencies.push(await get(port, "/hello"));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await get(port, "/quit");
  await ended;
  return { rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function threadsRound(threads, work) {
  const dir = mkdtempSync(path.join(tmpdir(), "witx-load-"));
  const file = path.join(dir, "out.txt");
  const fd = openSync(file, "w");
  try {
    const started = performance.now();
    const code = await runInWorker(threadsWasm, {
      args: ["threads", String(threads), String(totalWrites / threads), String(work)],
      stdio: { stdout: fd },
    });
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`threads_writes exited with ${code}`);
    const size = statSync(file).size;
    if (size !== totalWrites * 16) throw new Error(`expected ${totalWrites * 16} bytes written, found ${size}`);
    return seconds;
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

const wabt = await initWabt();
const parsed = wabt.parseWat("threads_writes.wat", readFileSync(path.join(root, "bench/workloads/threads_writes.wat"), "utf8"), {
  threads: true,
});
const threadsWasm = parsed.toBinary({}).buffer;
parsed.destroy();

const out = (line) => process.stdout.write(`${line}\n`);
out(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}, load average at start ${loadavg()[0].toFixed(1)}`,
);
out(`reps ${reps}, ${requests} requests per measurement (each on a new connection), ${concurrency} clients for "concurrent"`);
out("");
const http1 = { ours: [], native: [] };
const http4 = { ours: [], native: [] };
for (let rep = 0; rep < reps; rep++) {
  for (const host of rep % 2 === 0 ? ["ours", "native"] : ["native", "ours"]) {
    http1[host].push(await httpRound(host, 1));
    http4[host].push(await httpRound(host, concurrency));
  }
}
out("| http /hello | host | requests/s | p50 ms | p99 ms |");
out("|---|---|---:|---:|---:|");
for (const [label, table] of [
  ["sequential", http1],
  [`concurrent (${concurrency} clients)`, http4],
]) {
  for (const host of ["native", "ours"]) {
    const rows = table[host];
    out(
      `| ${label} | ${host} | ${median(rows.map((r) => r.rps)).toFixed(0)} | ${median(rows.map((r) => r.p50)).toFixed(2)} | ${median(rows.map((r) => r.p99)).toFixed(2)} |`,
    );
  }
  out(`| ${label} | ours/native | ${(median(table.ours.map((r) => r.rps)) / median(table.native.map((r) => r.rps))).toFixed(2)} | | |`);
}
out("");
out(`| threads: ${totalWrites} writes of 16 B to one file | W (arithmetic rounds per write) | 1 thread s | 2 threads s | speedup |`);
out("|---|---:|---:|---:|---:|");
for (const work of [0, 20000]) {
  const one = [];
  const two = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const threads of rep % 2 === 0 ? [1, 2] : [2, 1]) (threads === 1 ? one : two).push(await threadsRound(threads, work));
  }
  out(`| | ${work} | ${median(one).toFixed(3)} | ${median(two).toFixed(3)} | ${(median(one) / median(two)).toFixed(2)} |`);
}
// The control: the same split of pure arithmetic over plain Node workers, no WASI and no
// guest, to show what parallelism the machine gives at the moment.
const controlCode = `const { parentPort, workerData } = require("node:worker_threads");
let x = 1;
for (let i = 0; i < workerData; i++) x = (x * 1103515245 + 12345) | 0;
parentPort.postMessage(x);`;
const spin = (rounds) =>
  new Promise((done) => {
    const worker = new Worker(controlCode, { eval: true, workerData: rounds });
    worker.once("message", () => worker.terminate().then(done));
  });
const control = { 1: [], 2: [] };
for (let rep = 0; rep < reps; rep++) {
  for (const threads of rep % 2 === 0 ? [1, 2] : [2, 1]) {
    const started = performance.now();
    await Promise.all(Array.from({ length: threads }, () => spin(200e6 / threads)));
    control[threads].push((performance.now() - started) / 1000);
  }
}
out(
  `| control: 2·10^8 rounds of arithmetic in plain Node workers | | ${median(control[1]).toFixed(3)} | ${median(control[2]).toFixed(3)} | ${(median(control[1]) / median(control[2])).toFixed(2)} |`,
);
out(`load average at end ${loadavg()[0].toFixed(1)}`);
