// One measurement, in its own process. The parent passes a JSON spec as the
// only argument and reads the JSON result from fd 3; fd 1 is /dev/null (it is
// also the guest's stdout), fd 2 carries errors.
//
// Modes:
//   run      warm-up start() with a fraction of N, then one timed start() with N
//   rss      one untimed start() (no warm-up), then the process's peak RSS
//   startup  time construct + instantiate + start of an empty program
//   floor    the JS-call floor: noop.wasm calling imported no-ops, no WASI
import { readFileSync, writeSync } from "node:fs";
import { pathToFileURL } from "node:url";

const spec = JSON.parse(process.argv[2]);

function report(result) {
  writeSync(3, JSON.stringify(result));
}

function now() {
  return process.hrtime.bigint();
}

async function loadWasiClass() {
  if (spec.host === "node") return (await import("node:wasi")).WASI;
  if (spec.host === "ceiling") return (await import("./ceiling-host.mjs")).WASI;
  const loaded = await import(pathToFileURL(spec.oursModule).href);
  if (typeof loaded.WASI !== "function") throw new Error(`${spec.oursModule} does not export a WASI class`);
  return loaded.WASI;
}

function makeStarter(WASI, module) {
  return function startOnce(args) {
    const wasi = new WASI({
      version: "preview1",
      args: [spec.program, ...args],
      env: spec.env,
      preopens: spec.preopens,
      returnOnExit: true,
    });
    const instance = new WebAssembly.Instance(module, wasi.getImportObject());
    const began = now();
    const code = wasi.start(instance);
    const elapsed = now() - began;
    if (code !== 0) throw new Error(`${spec.program} exited with status ${code} (its check failed or it could not run)`);
    return Number(elapsed);
  };
}

// Named separately so a CPU profile can tell the timed run from the warm-up.
function warmupRun(startOnce, args) {
  return startOnce(args);
}
function measuredRun(startOnce, args) {
  return startOnce(args);
}

function peakRssKiB() {
  // maxRSS is in KiB on Linux; VmHWM is the kernel's own high-water mark.
  const fromNode = process.resourceUsage().maxRSS;
  let fromKernel = null;
  try {
    const line = readFileSync("/proc/self/status", "utf8")
      .split("\n")
      .find((text) => text.startsWith("VmHWM:"));
    if (line) fromKernel = Number.parseInt(line.slice(6), 10);
  } catch {
    // No /proc: only Node's figure.
  }
  return { maxRSS: fromNode, vmHWM: fromKernel };
}

/** The worker runner (ours only): whole runs, less a 1-operation run for the worker start-up and compilation. */
async function modeRunInWorker() {
  const { runInWorker } = await import(pathToFileURL(spec.oursModule).href);
  const bytes = readFileSync(spec.wasm);
  const runOnce = async (args) => {
    const began = now();
    const code = await runInWorker(bytes, { version: "preview1", args: [spec.program, ...args], env: spec.env, preopens: spec.preopens });
    if (code !== 0) throw new Error(`${spec.program} exited with status ${code} in the worker runner`);
    return now() - began;
  };
  const warmupNs = spec.warmupArgs ? Number(await runOnce(spec.warmupArgs)) : 0;
  const baselineNs = await runOnce(spec.baselineArgs);
  const elapsedNs = Number((await runOnce(spec.args)) - baselineNs);
  report({ elapsedNs, warmupNs, baselineNs: Number(baselineNs) });
}

async function modeRun() {
  if (spec.runner === "worker") return modeRunInWorker();
  const WASI = await loadWasiClass();
  const module = new WebAssembly.Module(readFileSync(spec.wasm));
  const startOnce = makeStarter(WASI, module);
  const warmupNs = spec.warmupArgs ? warmupRun(startOnce, spec.warmupArgs) : 0;
  const elapsedNs = measuredRun(startOnce, spec.args);
  report({ elapsedNs, warmupNs });
}

/**
 * What any long-running app has done before it runs a guest: made some JavaScript
 * hot enough for V8's optimizing compiler, whose code (several MiB of the node
 * binary) is paged in by the first optimized function of a process. With
 * `jitInUse` the rss mode does this first for either host, so the figures show
 * what a host adds to a process that already pays for its JIT.
 */
function useTheJit() {
  const mix = (x, y) => (x * 31 + y) | 0;
  let sum = 0;
  for (let i = 0; i < 3_000_000; i++) sum = mix(sum, i);
  return sum;
}

async function modeRss() {
  if (spec.jitInUse) useTheJit();
  const WASI = await loadWasiClass();
  const module = new WebAssembly.Module(readFileSync(spec.wasm));
  const startOnce = makeStarter(WASI, module);
  const before = peakRssKiB();
  const elapsedNs = measuredRun(startOnce, spec.args);
  report({ elapsedNs, before, after: peakRssKiB() });
}

async function modeStartup() {
  const importBegan = now();
  const WASI = await loadWasiClass();
  const importNs = Number(now() - importBegan);
  const module = new WebAssembly.Module(readFileSync(spec.wasm));
  const once = () => {
    const began = now();
    const wasi = new WASI({ version: "preview1", args: [spec.program], env: {}, preopens: spec.preopens, returnOnExit: true });
    const instance = new WebAssembly.Instance(module, wasi.getImportObject());
    const code = wasi.start(instance);
    const elapsed = Number(now() - began);
    if (code !== 0) throw new Error(`empty program exited with status ${code}`);
    return elapsed;
  };
  const coldNs = once();
  for (let i = 0; i < spec.warmup; i++) once();
  const samples = [];
  for (let i = 0; i < spec.iterations; i++) samples.push(once());
  samples.sort((a, b) => a - b);
  report({ importNs, coldNs, warmNs: samples[samples.length >> 1] });
}

function modeFloor() {
  const imports = {
    bench: {
      noop0() {},
      noop4(_a, _b, _c, _d) {
        return 0;
      },
    },
  };
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(spec.wasm)), imports);
  const warm = Math.max(1, Math.round(spec.n / 5));
  exports.run0(warm);
  exports.run4(warm);
  let began = now();
  exports.run0(spec.n);
  const noArgsNs = Number(now() - began);
  began = now();
  const bad = exports.run4(spec.n);
  const fourArgsNs = Number(now() - began);
  if (bad !== 0) throw new Error("noop4 returned non-zero");
  report({ noArgsNs, fourArgsNs });
}

const modes = { run: modeRun, rss: modeRss, startup: modeStartup, floor: modeFloor };
const mode = modes[spec.mode];
if (!mode) throw new Error(`unknown mode ${spec.mode}`);
await mode();
