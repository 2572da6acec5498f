// Renders a benchmark run as bench/RESULTS.md. The hand-written analysis lives
// between the NOTES markers and is carried over from the previous file, so a
// re-run refreshes the numbers without losing it.
import { GEOMEAN_TARGET, RSS_LIMIT_MIB } from "./cases.mjs";
import { forwardedSection } from "./forwarded.mjs";
import { summaryMarkdown } from "./profile-summary.mjs";
import { geometricMean, summarise } from "./stats.mjs";

const NOTES_START = "<!-- NOTES:START (hand-written; kept when the benchmark re-runs) -->";
const NOTES_END = "<!-- NOTES:END -->";

function previousNotes(markdown) {
  const start = markdown.indexOf(NOTES_START);
  const end = markdown.indexOf(NOTES_END);
  if (start < 0 || end < start) return "_No notes yet._";
  return markdown.slice(start + NOTES_START.length, end).trim();
}

/** 3 significant digits with a k/M suffix. */
function rate(value) {
  if (value >= 1e6) return `${(value / 1e6).toPrecision(3)} M`;
  if (value >= 1e3) return `${(value / 1e3).toPrecision(3)} k`;
  return value.toPrecision(3);
}

const fixed = (value, digits = 2) => value.toFixed(digits);
const mib = (kib) => kib / 1024;
const micro = (ns) => (ns / 1000).toFixed(ns < 10_000 ? 1 : 0);
const verdict = (met) => (met ? "met" : "**not met**");

function throughputSection(report) {
  const { a, b } = report.labels;
  const lines = [
    "## Throughput",
    "",
    `Ops/s are medians over the repetitions; the ratio is ${a} / ${b} per repetition (higher is better for ${a}), its median and spread.`,
    "",
    `| case | one operation | N | ${b} ops/s | ${a} ops/s | ratio (median) | min–max | IQR | target | |`,
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of report.results) {
    lines.push(
      `| ${r.case.name} | ${r.case.op} | ${r.n} | ${rate(r.b.median)} | ${rate(r.a.median)} | **${fixed(r.ratio.median, 3)}** | ${fixed(r.ratio.min)}–${fixed(r.ratio.max)} | ${fixed(r.ratio.q1)}–${fixed(r.ratio.q3)} | ≥ ${r.case.target} | ${verdict(r.met)} |`,
    );
  }
  const geomean = geometricMean(report.results.map((r) => r.ratio.median));
  lines.push(
    `| **geometric mean** | of the ${report.results.length} median ratios | | | | **${fixed(geomean, 3)}** | | | ≥ ${GEOMEAN_TARGET} | ${verdict(geomean >= GEOMEAN_TARGET)} |`,
  );
  return lines.join("\n");
}

/** Peak RSS of each side and their difference per pair, in MiB. */
function peaks(pairs) {
  const peakA = pairs.a.map((r) => r.after.maxRSS);
  const peakB = pairs.b.map((r) => r.after.maxRSS);
  return {
    a: summarise(peakA.map(mib)),
    b: summarise(peakB.map(mib)),
    difference: summarise(peakA.map((value, i) => mib(value - peakB[i]))),
  };
}

function rssSection(report) {
  const { a, b } = report.labels;
  const fresh = peaks(report.rss);
  const growthA = report.rss.a.map((r) => r.after.maxRSS - r.before.maxRSS);
  const growthB = report.rss.b.map((r) => r.after.maxRSS - r.before.maxRSS);
  const met = fresh.difference.median <= RSS_LIMIT_MIB;
  const hwmA = summarise(report.rss.a.map((r) => r.after.vmHWM ?? Number.NaN));
  const hwmB = summarise(report.rss.b.map((r) => r.after.vmHWM ?? Number.NaN));
  const row = (label, { a: peakA, b: peakB, difference }) =>
    `| ${label} | ${fixed(peakB.median, 1)} | ${fixed(peakA.median, 1)} | **${fixed(difference.median, 1)}** (${fixed(difference.min, 1)} to ${fixed(difference.max, 1)}) |`;
  const lines = [
    "## Peak RSS: reading a 64 MiB file in 4 KiB reads",
    "",
    `Each measurement is its own child process (no warm-up): host loaded, module compiled, then one start() reading the whole file (16,384 reads). Peak is \`process.resourceUsage().maxRSS\` at the end (VmHWM from /proc/self/status agrees); "during the run" is how much the peak rose during start(). ${report.rss.a.length} pairs.`,
    "",
    `| | ${b} | ${a} | ${a} − ${b} |`,
    "|---|---:|---:|---:|",
    row("peak RSS, median (MiB)", fresh),
    `| VmHWM, median (MiB) | ${fixed(mib(hwmB.median), 1)} | ${fixed(mib(hwmA.median), 1)} | |`,
    `| peak growth during the run, median (MiB) | ${fixed(mib(summarise(growthB).median), 1)} | ${fixed(mib(summarise(growthA).median), 1)} | |`,
  ];
  if (report.rssJitInUse?.a.length > 0) {
    lines.push(row("peak RSS with the JIT already in use, median (MiB)", peaks(report.rssJitInUse)));
    lines.push(
      "",
      "The last row's processes first run a small hot JavaScript function, as any long-running app has, so V8's optimizing compiler is already paged in before either host loads (bench/child.mjs `useTheJit`); the target is judged on the first row.",
    );
  }
  lines.push("", `Target: ${a} within ${RSS_LIMIT_MIB} MiB of ${b} — ${verdict(met)}.`);
  return lines.join("\n");
}

function startupSection(report) {
  const { a, b } = report.labels;
  const pick = (side, field) => summarise(report.startup[side].map((r) => r[field]));
  const row = (title, field) => {
    const x = pick("a", field);
    const y = pick("b", field);
    const ratios = summarise(report.startup.a.map((r, i) => r[field] / report.startup.b[i][field]));
    return `| ${title} | ${micro(y.median)} | ${micro(x.median)} | ${fixed(ratios.median)} (${fixed(ratios.min)}–${fixed(ratios.max)}) |`;
  };
  return [
    "## Start-up: construct + instantiate + start an empty program",
    "",
    `\`new WASI({...})\` + \`new WebAssembly.Instance(module, wasi.getImportObject())\` + \`wasi.start(instance)\` for \`int main(void) { return 0; }\` with one preopen (the module is compiled beforehand). Times in µs, medians over ${report.startup.a.length} child processes; the ratio is of times (${a} / ${b}, lower is better for ${a}).`,
    "",
    `| | ${b} µs | ${a} µs | time ratio |`,
    "|---|---:|---:|---:|",
    row("import of the host module (first in the process)", "importNs"),
    row("first construct + instantiate + start (cold)", "coldNs"),
    row("construct + instantiate + start, warmed up (median of a child)", "warmNs"),
  ].join("\n");
}

function floorSection(report) {
  const noArgs = summarise(report.floor.map((r) => r.noArgsNs / report.floorCalls));
  const fourArgs = summarise(report.floor.map((r) => r.fourArgsNs / report.floorCalls));
  return [
    "## Floor: a call from wasm into a JavaScript no-op",
    "",
    `bench/workloads/noop.wat calling an imported JS function that does nothing, ${report.floorCalls.toLocaleString("en")} calls per child, ${report.floor.length} children. No WASI host call can cost less than this.`,
    "",
    "| import | ns per call (median) | calls/s |",
    "|---|---:|---:|",
    `| \`() -> ()\` | ${fixed(noArgs.median, 1)} | ${rate(1e9 / noArgs.median)} |`,
    `| \`(i32, i32, i32, i32) -> i32\` | ${fixed(fourArgs.median, 1)} | ${rate(1e9 / fourArgs.median)} |`,
  ].join("\n");
}

function profileSection(report) {
  const lines = ["## Where the time goes (profiles of the cases that missed their target)", ""];
  if (!report.options.profile) {
    lines.push("Profiling was not run (quick run, self-test or --no-profile).");
    return lines.join("\n");
  }
  if (report.profiles.length === 0) {
    lines.push("Every case met its target; nothing was profiled.");
    return lines.join("\n");
  }
  lines.push(
    `Each case below ran once more for ${report.labels.a} under \`node --cpu-prof --cpu-prof-interval 100\` with the same N; only the timed start() counts (bench/profile-summary.mjs \`--within measuredRun\`). Line numbers refer to the built dist/ files when ours came from dist/.`,
  );
  for (const profile of report.profiles) {
    lines.push("", `### ${profile.case.name} (${profile.file})`, "", summaryMarkdown(profile.summary));
  }
  return lines.join("\n");
}

export function renderResults(report, previousMarkdown) {
  const { machine, settings } = { machine: report.machine, settings: report.options.settings };
  const header = [
    `# Benchmark: ${report.labels.a} vs ${report.labels.b}`,
    "",
    `- Date: ${machine.date}`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${fixed(machine.memoryGiB, 1)} GiB memory; ${machine.os}`,
    `- Node ${machine.node} (V8 ${machine.v8})`,
    `- Load average (1 min) at start / end of the run: ${fixed(machine.loadAtStart)} / ${fixed(machine.loadAtEnd)} (the machine is shared; pairing the hosts per repetition is what keeps this from skewing the ratios)`,
    `- Ours: ${report.labels.oursFrom}; default options (the sandboxed resolver, badPointer "trap", no trace)`,
    `- Run: ${report.options.quick ? "quick" : "full"}, ${settings.reps} repetitions per case, each measurement ≈ ${settings.seconds} s of node:wasi time after a warm-up of N/5`,
    `- Fixtures: ${report.fixtures.tmpfs ? "tmpfs (/dev/shm)" : `not on tmpfs (${report.fixtures.root})`}; the guest sees them as /sandbox`,
    "- Guest stdout (fd 1 for both hosts) goes to /dev/null; results come back on fd 3",
    "",
    "Method: every measurement is a fresh `node` child process that loads the host, compiles the workload, runs it once with N/5 operations (warm-up), then times one `wasi.start()` with N operations. The two hosts run back to back within a repetition, in alternating order (AB, BA, ...), and the ratio is taken per pair. N is calibrated once per case on node:wasi and is the same for both hosts. Each workload checks its own results and exits non-zero on a wrong one, which aborts the run.",
  ].join("\n");
  return [
    header,
    throughputSection(report),
    rssSection(report),
    startupSection(report),
    floorSection(report),
    ...(report.forwarded.length > 0 ? [forwardedSection(report.forwarded)] : []),
    profileSection(report),
    ["## Notes", "", NOTES_START, previousNotes(previousMarkdown), NOTES_END].join("\n"),
    [
      "## Running it",
      "",
      "`npm run bench` (full, writes this file; about 5 minutes here, profiling included), `npm run bench -- --quick` (under a minute, prints to stdout), `--self-test` (node:wasi against itself: the noise floor), `--cases=stat,readdir`, `--ours-from=src` (src/wasi/wasi.ts through tsx), `--no-profile`. `node bench/ceiling.mjs` measures the ceiling host (see the notes). Workloads: bench/workloads/, rebuilt by bench/build.sh into bench/wasm/.",
    ].join("\n"),
    "",
  ].join("\n\n");
}
