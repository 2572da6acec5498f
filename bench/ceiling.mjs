// How close can a JS host get to node:wasi at all? Runs the simple cases for
// node:wasi, bench/ceiling-host.mjs (the least JS can do, no checks) and ours,
// each in fresh child processes in rotated order, and prints the median ratios
// against node:wasi. A target above the ceiling's ratio cannot be met by any
// host that goes through node:fs on this Node.
//
//   node bench/ceiling.mjs [--reps=N] [--seconds=S]
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CASES, GUEST_ROOT } from "./cases.mjs";
import { createFixtures } from "./fixtures.mjs";
import { locateOurs } from "./ours.mjs";
import { runChild } from "./spawn-child.mjs";
import { median } from "./stats.mjs";

const WASM_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "wasm");
const SUPPORTED = ["clock", "random", "write-file", "write-stdout", "open-close", "read-4k", "stat", "environ"];

const option = (name, fallback) => {
  const found = process.argv.slice(2).find((arg) => arg.startsWith(`--${name}=`));
  return found ? Number(found.split("=")[1]) : fallback;
};
const reps = option("reps", 6);
const seconds = option("seconds", 0.3);

const snapshotDir = mkdtempSync(path.join(os.tmpdir(), "witx-wasi-bench-ours-"));
process.on("exit", () => rmSync(snapshotDir, { recursive: true, force: true }));
const ours = locateOurs({ from: "dist", build: true, snapshotDir });
const hosts = [
  { id: "ceiling", host: "ceiling" },
  { id: "node", host: "node" },
  { id: "ours", host: "ours", oursModule: ours.module },
];
const fixtures = createFixtures();
process.on("exit", () => fixtures.remove());
const preopens = { [GUEST_ROOT]: fixtures.root };
const spec = (host, testCase, n) => ({
  mode: "run",
  ...host,
  program: testCase.wasm,
  wasm: path.join(WASM_DIR, `${testCase.wasm}.wasm`),
  args: testCase.args(n),
  warmupArgs: testCase.args(Math.max(1, Math.round(n / 5))),
  env: testCase.env ? testCase.env() : {},
  preopens,
});

console.log("| case | node:wasi ns/op | ceiling ns/op | ours ns/op | ceiling / node:wasi | ours / node:wasi | target |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const testCase of CASES.filter((c) => SUPPORTED.includes(c.name))) {
  const probe = await runChild(spec(hosts[1], testCase, testCase.probe));
  const n = Math.max(1, Math.round((seconds * 1e9 * testCase.probe) / probe.elapsedNs));
  const perOp = { ceiling: [], node: [], ours: [] };
  for (let rep = 0; rep < reps; rep++) {
    // Rotate the three hosts so each runs first, second and third equally often.
    const order = hosts.map((_, i) => hosts[(i + rep) % hosts.length]);
    for (const host of order) perOp[host.id].push((await runChild(spec(host, testCase, n))).elapsedNs / n);
  }
  // ops/s ratio = inverse of the ns/op ratio, paired per repetition.
  const ratio = (id) => median(perOp[id].map((value, i) => perOp.node[i] / value));
  const ns = (id) => median(perOp[id]).toFixed(0);
  console.log(
    `| ${testCase.name} | ${ns("node")} | ${ns("ceiling")} | ${ns("ours")} | ${ratio("ceiling").toFixed(2)} | ${ratio("ours").toFixed(2)} | ≥ ${testCase.target} |`,
  );
}
