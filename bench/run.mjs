// The benchmark: our WASI host against node:wasi, in the same run.
//
//   node bench/run.mjs [--quick] [--reps=N] [--cases=a,b] [--self-test]
//                      [--ours-from=dist|src] [--no-build] [--profile|--no-profile] [--out=FILE]
//
// Every measurement is a fresh child process (bench/child.mjs) that warms up
// and then times one start() of a workload. Within each repetition the two
// hosts run back to back, the order alternating between repetitions (AB, BA,
// AB, ...), and the ratio ours / node:wasi is taken per repetition, so slow
// drift of the machine hits both sides of a pair alike. The operation count N
// of each case is calibrated once on node:wasi and then used for both hosts.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CASES, GUEST_ROOT, RSS_CASE } from "./cases.mjs";
import { createFixtures } from "./fixtures.mjs";
import { measureForwarded } from "./forwarded.mjs";
import { describeMachine } from "./machine.mjs";
import { locateOurs, PROJECT_ROOT } from "./ours.mjs";
import { summariseProfile } from "./profile-summary.mjs";
import { renderResults } from "./report.mjs";
import { runChild } from "./spawn-child.mjs";
import { summarise } from "./stats.mjs";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const WASM_DIR = path.join(BENCH_DIR, "wasm");

function parseArguments(argv) {
  const options = {
    quick: false,
    selfTest: false,
    oursFrom: "dist",
    build: true,
    profile: undefined,
    reps: undefined,
    cases: undefined,
    out: undefined,
  };
  for (const arg of argv) {
    const [flag, value] = arg.split("=", 2);
    if (flag === "--quick") options.quick = true;
    else if (flag === "--self-test") options.selfTest = true;
    else if (flag === "--no-build") options.build = false;
    else if (flag === "--profile") options.profile = true;
    else if (flag === "--no-profile") options.profile = false;
    else if (flag === "--ours-from" && (value === "dist" || value === "src")) options.oursFrom = value;
    else if (flag === "--reps" && Number(value) >= 1) options.reps = Number(value);
    else if (flag === "--cases" && value) options.cases = value.split(",");
    else if (flag === "--out" && value) options.out = path.resolve(value);
    else throw new Error(`unknown argument ${arg}`);
  }
  const settings = options.quick
    ? { reps: 3, seconds: 0.03, rssReps: 2, startupReps: 2, startupWarmup: 10, startupIterations: 30, floorReps: 1, floorCalls: 2_000_000 }
    : {
        reps: 10,
        seconds: 0.4,
        rssReps: 6,
        startupReps: 6,
        startupWarmup: 30,
        startupIterations: 200,
        floorReps: 4,
        floorCalls: 20_000_000,
      };
  if (options.reps) settings.reps = options.reps;
  // A quick run prints its table and only writes a file when asked to.
  const out = options.out ?? (options.quick ? undefined : path.join(BENCH_DIR, "RESULTS.md"));
  const profile = options.profile ?? !options.quick;
  const cases = options.cases
    ? options.cases.map((name) => {
        const found = CASES.find((c) => c.name === name);
        if (!found) throw new Error(`no case named ${name}; cases: ${CASES.map((c) => c.name).join(", ")}`);
        return found;
      })
    : CASES;
  return { ...options, settings, out, profile: profile && !options.selfTest, cases };
}

function log(text) {
  process.stderr.write(`${text}\n`);
}

/** Rounds a count to two significant digits, so the N in the report reads well. */
function roundCount(value) {
  const digits = Math.max(0, Math.floor(Math.log10(value)) - 1);
  return Math.max(1, Math.round(value / 10 ** digits) * 10 ** digits);
}

function main() {
  return run(parseArguments(process.argv.slice(2)));
}

async function run(options) {
  const { settings } = options;
  const snapshotDir =
    options.selfTest || options.oursFrom === "src" ? undefined : mkdtempSync(path.join(os.tmpdir(), "witx-wasi-bench-ours-"));
  if (snapshotDir) process.on("exit", () => rmSync(snapshotDir, { recursive: true, force: true }));
  const ours = options.selfTest ? null : locateOurs({ from: options.oursFrom, build: options.build, snapshotDir });
  const nodeFlags = ours?.nodeFlags ?? [];
  // Host A is ours (node:wasi again in a self-test), host B is node:wasi.
  const hostA = ours ? { id: "ours", host: "ours", oursModule: ours.module } : { id: "node-a", host: "node" };
  const hostB = { id: "node", host: "node" };
  const pairOrder = (rep) => (rep % 2 === 0 ? [hostA, hostB] : [hostB, hostA]);

  const fixtures = createFixtures();
  const cleanUp = () => fixtures.remove();
  process.on("exit", cleanUp);
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));
  const preopens = { [GUEST_ROOT]: fixtures.root };
  log(
    `fixtures in ${fixtures.root}${fixtures.tmpfs ? " (tmpfs)" : " (not tmpfs)"}; ours: ${ours?.label ?? "self-test, node:wasi on both sides"}`,
  );

  const specFor = (host, testCase, n, warmup) => ({
    mode: "run",
    ...host,
    program: testCase.wasm,
    wasm: path.join(WASM_DIR, `${testCase.wasm}.wasm`),
    args: testCase.args(n),
    warmupArgs: warmup > 0 ? testCase.args(warmup) : null,
    env: testCase.env ? testCase.env() : {},
    preopens,
  });
  const warmupFor = (n) => Math.max(1, Math.round(n / 5));

  // Calibration on node:wasi: the probe count gives a first estimate, a run at
  // a quarter of the target time a better one (short runs overstate the cost).
  const machine = describeMachine();
  const counts = new Map();
  const perOpNs = async (testCase, n) => (await runChild(specFor(hostB, testCase, n, warmupFor(n)), { nodeFlags })).elapsedNs / n;
  for (const testCase of options.cases) {
    const rough = roundCount((settings.seconds * 1e9) / (await perOpNs(testCase, testCase.probe)));
    // A quick run keeps the first estimate; it only has to be the same N for both hosts.
    counts.set(
      testCase.name,
      options.quick ? rough : roundCount((settings.seconds * 1e9) / (await perOpNs(testCase, Math.max(1, Math.round(rough / 4))))),
    );
  }
  log(`operation counts: ${[...counts].map(([name, n]) => `${name}=${n}`).join(" ")}`);

  const opsPerSecond = new Map(options.cases.map((c) => [c.name, { a: [], b: [] }]));
  for (let rep = 0; rep < settings.reps; rep++) {
    for (const testCase of options.cases) {
      const n = counts.get(testCase.name);
      for (const host of pairOrder(rep)) {
        const result = await runChild(specFor(host, testCase, n, warmupFor(n)), { nodeFlags });
        opsPerSecond.get(testCase.name)[host === hostA ? "a" : "b"].push(n / (result.elapsedNs / 1e9));
      }
    }
    log(`repetition ${rep + 1}/${settings.reps} done`);
  }

  const rss = { a: [], b: [] };
  const rssJitInUse = { a: [], b: [] };
  for (let rep = 0; rep < settings.rssReps; rep++) {
    for (const [jitInUse, into] of [
      [false, rss],
      [true, rssJitInUse],
    ]) {
      for (const host of pairOrder(rep)) {
        const spec = {
          mode: "rss",
          ...host,
          program: RSS_CASE.wasm,
          wasm: path.join(WASM_DIR, `${RSS_CASE.wasm}.wasm`),
          args: RSS_CASE.args(),
          env: {},
          preopens,
          jitInUse,
        };
        const result = await runChild(spec, { nodeFlags });
        into[host === hostA ? "a" : "b"].push(result);
      }
    }
  }
  log("peak RSS done");

  const startup = { a: [], b: [] };
  for (let rep = 0; rep < settings.startupReps; rep++) {
    for (const host of pairOrder(rep)) {
      const spec = {
        mode: "startup",
        ...host,
        program: "empty",
        wasm: path.join(WASM_DIR, "empty.wasm"),
        preopens,
        warmup: settings.startupWarmup,
        iterations: settings.startupIterations,
      };
      startup[host === hostA ? "a" : "b"].push(await runChild(spec, { nodeFlags }));
    }
  }
  log("startup done");

  const floor = [];
  for (let rep = 0; rep < settings.floorReps; rep++) {
    floor.push(await runChild({ mode: "floor", wasm: path.join(WASM_DIR, "noop.wasm"), n: settings.floorCalls }, { nodeFlags }));
  }
  log("floor done");

  const forwarded = ours
    ? await measureForwarded({ oursModule: ours.module, nodeFlags, wasmDir: WASM_DIR, reps: settings.reps, quick: options.quick, log })
    : [];

  const results = options.cases.map((testCase) => {
    const { a, b } = opsPerSecond.get(testCase.name);
    const ratios = a.map((value, i) => value / b[i]);
    const ratio = summarise(ratios);
    return { case: testCase, n: counts.get(testCase.name), a: summarise(a), b: summarise(b), ratio, met: ratio.median >= testCase.target };
  });

  const profiles = [];
  if (options.profile) {
    const profileDir = path.join(BENCH_DIR, "profiles");
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
    for (const result of results.filter((r) => !r.met)) {
      const name = `${result.case.name}.cpuprofile`;
      const flags = [...nodeFlags, "--cpu-prof", "--cpu-prof-dir", profileDir, "--cpu-prof-name", name, "--cpu-prof-interval", "100"];
      await runChild(specFor(hostA, result.case, result.n, warmupFor(result.n)), { nodeFlags: flags });
      const file = path.join(profileDir, name);
      const summary = summariseProfile(JSON.parse(readFileSync(file, "utf8")), {
        within: "measuredRun",
        top: 12,
        snapshot: ours.snapshotRoot,
      });
      profiles.push({ case: result.case, file: path.relative(PROJECT_ROOT, file), summary });
      log(`profiled ${result.case.name}`);
    }
  }

  const report = {
    machine: { ...machine, loadAtEnd: os.loadavg()[0] },
    options,
    fixtures: { root: fixtures.root, tmpfs: fixtures.tmpfs },
    labels: { a: ours ? "ours" : "node:wasi (A)", b: "node:wasi", oursFrom: ours?.label ?? "self-test: node:wasi against itself" },
    results,
    rss,
    rssJitInUse,
    startup,
    floor,
    floorCalls: settings.floorCalls,
    profiles,
    forwarded,
  };
  const previous = options.out && existsSync(options.out) ? readFileSync(options.out, "utf8") : "";
  const markdown = renderResults(report, previous);
  if (options.out) {
    writeFileSync(options.out, markdown);
    log(`wrote ${path.relative(process.cwd(), options.out)}`);
  } else {
    process.stdout.write(markdown);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
