// Forwarded calls: what a WASI call costs through the worker runner (guest in a
// worker, host on the main thread, one channel round trip per call), next to
// our in-thread host and node:wasi. Same workload and N for all three; within
// a repetition the three run back to back in rotating order, and the ratios
// are taken per repetition, as for the main cases.
//
// For a forwarded call the in-thread hosts run 100 times as many operations as
// the worker (a call costs them about a hundredth), so each measurement is long
// enough to be warm; the ratios compare operations per second. A call the worker
// serves itself (the clock) runs the same N everywhere.
//
// A worker run also starts a worker and compiles the module, which is not the
// cost of a call: the child times a run with 1 operation after the warm-up and
// subtracts it, so a worker figure is (t(N) − t(1)) / (N − 1) per operation.
import path from "node:path";
import { FORWARDED_CASES } from "./cases.mjs";
import { runChild } from "./spawn-child.mjs";
import { summarise } from "./stats.mjs";

/**
 * @param {{ oursModule: string, nodeFlags: string[], wasmDir: string, reps: number, quick: boolean, log: (text: string) => void }} setup
 */
export async function measureForwarded({ oursModule, nodeFlags, wasmDir, reps, quick, log }) {
  const hosts = [
    { id: "worker", inThread: false, spec: { host: "ours", oursModule, runner: "worker" } },
    { id: "thread", inThread: true, spec: { host: "ours", oursModule } },
    { id: "node", inThread: true, spec: { host: "node" } },
  ];
  const results = [];
  for (const testCase of FORWARDED_CASES) {
    const n = quick ? testCase.n.quick : testCase.n.full;
    const opsPerSecond = { worker: [], thread: [], node: [] };
    for (let rep = 0; rep < reps; rep++) {
      const order = hosts.map((_, i) => hosts[(i + rep) % hosts.length]);
      for (const { id, inThread, spec } of order) {
        const count = inThread ? n * testCase.inThreadScale : n;
        const result = await runChild(
          {
            mode: "run",
            ...spec,
            program: testCase.wasm,
            wasm: path.join(wasmDir, `${testCase.wasm}.wasm`),
            args: testCase.args(count),
            warmupArgs: testCase.args(Math.max(1, Math.round(count / 5))),
            baselineArgs: spec.runner === "worker" ? testCase.args(1) : null,
            env: {},
            preopens: {},
          },
          { nodeFlags },
        );
        const operations = spec.runner === "worker" ? count - 1 : count;
        opsPerSecond[id].push(operations / (result.elapsedNs / 1e9));
      }
    }
    const ratio = (other) => summarise(opsPerSecond.worker.map((value, i) => value / opsPerSecond[other][i]));
    results.push({
      case: testCase,
      n,
      worker: summarise(opsPerSecond.worker),
      thread: summarise(opsPerSecond.thread),
      node: summarise(opsPerSecond.node),
      vsThread: ratio("thread"),
      vsNode: ratio("node"),
    });
    log(`forwarded ${testCase.name} done`);
  }
  return results;
}

const rate = (value) =>
  value >= 1e6 ? `${(value / 1e6).toPrecision(3)} M` : value >= 1e3 ? `${(value / 1e3).toPrecision(3)} k` : value.toPrecision(3);
const micros = (opsPerSecond) => (1e6 / opsPerSecond).toFixed(2);

export function forwardedSection(results) {
  const lines = [
    "## Forwarded calls (worker runner)",
    "",
    "The guest in a worker thread, its host on the main thread; every WASI call is one round trip over the shared-memory channel (Atomics.wait in the worker, Atomics.waitAsync on the main thread), except the clock and random bytes when they are the Node host's own, which the worker reads itself. Ratios are worker / in-thread and worker / node:wasi per repetition (higher is better for the worker; the in-thread host stays the default). Worker figures leave out worker start-up and compilation (a 1-operation run is subtracted).",
    "",
    "| case | one operation | N (worker) | node:wasi ops/s | in-thread ops/s | worker ops/s | worker µs/op | worker / in-thread | worker / node:wasi |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.case.name} | ${r.case.op} | ${r.n} | ${rate(r.node.median)} | ${rate(r.thread.median)} | ${rate(r.worker.median)} | ${micros(r.worker.median)} | **${r.vsThread.median.toFixed(3)}** (${r.vsThread.min.toFixed(3)}–${r.vsThread.max.toFixed(3)}) | **${r.vsNode.median.toFixed(3)}** (${r.vsNode.min.toFixed(3)}–${r.vsNode.max.toFixed(3)}) |`,
    );
  }
  return lines.join("\n");
}
