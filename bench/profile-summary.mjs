// Summarises a V8 .cpuprofile (from `node --cpu-prof`): where the samples
// fall by category (guest wasm, our host, Node internals, native, GC) and the
// functions with the most self time. With `within`, only the stretch of the
// profile from the first to the last sample that has a frame of that name on
// its stack counts (the child names its timed run `measuredRun`), so the
// warm-up and process start-up are left out but GC during the run is kept.
//
// Usage: node bench/profile-summary.mjs FILE.cpuprofile [--within NAME] [--top N] [--snapshot DIR]
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PROJECT_ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)));

// Where the runner's private copy of dist/ lives (see ours.mjs); its files are
// shown as the dist/ files they are copies of.
let snapshotRoot = null;

function shortLocation(url) {
  if (url.startsWith("wasm://")) return "wasm";
  if (url.startsWith("file://")) {
    const file = fileURLToPath(url);
    if (snapshotRoot !== null && file.startsWith(snapshotRoot + path.sep)) return path.join("dist", path.relative(snapshotRoot, file));
    return file.startsWith(PROJECT_ROOT) ? path.relative(PROJECT_ROOT, file) : file;
  }
  return url;
}

function categoryOf(callFrame) {
  const { functionName, url } = callFrame;
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(program)") return "VM / unattributed native";
  if (functionName === "(idle)") return "idle";
  if (functionName === "(root)") return "root";
  if (url.startsWith("wasm://")) return "guest wasm";
  if (url.startsWith("node:")) return "Node internals (JS)";
  if (url === "") return "native (bindings, builtins)";
  const location = shortLocation(url);
  if (location.startsWith("dist/") || location.startsWith("src/")) return "our host";
  if (location.startsWith("bench/")) return "bench harness";
  return "other JS";
}

function keyOf(callFrame) {
  const name = callFrame.functionName || "(anonymous)";
  if (callFrame.url === "") return name;
  const where = shortLocation(callFrame.url);
  return where === "wasm" ? `${name} [wasm]` : `${name} ${where}:${callFrame.lineNumber + 1}`;
}

/**
 * @param {object} profile parsed .cpuprofile JSON
 * @param {{ within?: string, top?: number, snapshot?: string | null }} options
 *   snapshot: the directory a copy of dist/ was loaded from
 */
export function summariseProfile(profile, { within, top = 15, snapshot = null } = {}) {
  snapshotRoot = snapshot === null ? null : path.resolve(snapshot);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const { samples, timeDeltas } = profile;
  // A sample stands for the time until the next one.
  const weight = samples.map((_, i) => (i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0));

  const stackHas = (id, name) => {
    for (let at = id; at !== undefined; at = parent.get(at)) if (byId.get(at).callFrame.functionName === name) return true;
    return false;
  };
  let first = 0;
  let last = samples.length - 1;
  if (within) {
    first = samples.findIndex((id) => stackHas(id, within));
    if (first < 0) throw new Error(`no sample has ${within} on its stack`);
    last = samples.length - 1;
    while (last > first && !stackHas(samples[last], within)) last--;
  }

  let totalUs = 0;
  const self = new Map();
  const categories = new Map();
  const hostInclusive = new Map();
  for (let i = first; i <= last; i++) {
    const us = weight[i];
    totalUs += us;
    const leaf = byId.get(samples[i]).callFrame;
    const key = keyOf(leaf);
    const entry = self.get(key) ?? { key, category: categoryOf(leaf), us: 0 };
    entry.us += us;
    self.set(key, entry);
    const category = categoryOf(leaf);
    categories.set(category, (categories.get(category) ?? 0) + us);
    // Inclusive time of our host's functions: each counted once per sample.
    const seen = new Set();
    for (let at = samples[i]; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at).callFrame;
      if (categoryOf(frame) !== "our host") continue;
      const frameKey = keyOf(frame);
      if (seen.has(frameKey)) continue;
      seen.add(frameKey);
      hostInclusive.set(frameKey, (hostInclusive.get(frameKey) ?? 0) + us);
    }
  }
  const percent = (us) => (totalUs > 0 ? (100 * us) / totalUs : 0);
  return {
    windowMs: totalUs / 1000,
    samples: last - first + 1,
    categories: [...categories].map(([name, us]) => ({ name, ms: us / 1000, percent: percent(us) })).sort((a, b) => b.ms - a.ms),
    topSelf: [...self.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map(({ key, category, us }) => ({ function: key, category, ms: us / 1000, percent: percent(us) })),
    topHostInclusive: [...hostInclusive]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => ({ function: key, ms: us / 1000, percent: percent(us) })),
  };
}

/** The summary as Markdown tables. */
export function summaryMarkdown(summary) {
  const lines = [];
  lines.push(`${summary.samples} samples, ${summary.windowMs.toFixed(1)} ms in the timed run.`, "");
  lines.push("| category | self ms | self % |", "|---|---:|---:|");
  for (const c of summary.categories) lines.push(`| ${c.name} | ${c.ms.toFixed(1)} | ${c.percent.toFixed(1)} |`);
  lines.push("", "| top self time | category | ms | % |", "|---|---|---:|---:|");
  for (const f of summary.topSelf) lines.push(`| \`${f.function}\` | ${f.category} | ${f.ms.toFixed(1)} | ${f.percent.toFixed(1)} |`);
  if (summary.topHostInclusive.length > 0) {
    lines.push("", "| our host, inclusive time | ms | % |", "|---|---:|---:|");
    for (const f of summary.topHostInclusive) lines.push(`| \`${f.function}\` | ${f.ms.toFixed(1)} | ${f.percent.toFixed(1)} |`);
  }
  return lines.join("\n");
}

function main(argv) {
  const file = argv[0];
  if (!file) {
    console.error("usage: node bench/profile-summary.mjs FILE.cpuprofile [--within NAME] [--top N] [--snapshot DIR]");
    process.exit(2);
  }
  const option = (name) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const top = option("--top") ? Number(option("--top")) : 15;
  const summary = summariseProfile(JSON.parse(readFileSync(file, "utf8")), {
    within: option("--within"),
    top,
    snapshot: option("--snapshot") ?? null,
  });
  console.log(summaryMarkdown(summary));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
