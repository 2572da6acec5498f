// Where the runner gets our WASI class from. The default is the built dist/
// (what users run; no loader in the process), rebuilt with tsc first when any
// file under src/ is newer than it. `src` runs src/wasi/wasi.ts through tsx instead
// (both hosts then run with the tsx loader, so the comparison stays fair).
// A dist/ build is copied to a private directory first and loaded from there:
// other work on the tree may rebuild dist/ while the benchmark runs, and every
// child process must load the same build.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
// The package's own entry point (package.json "exports"): the esbuild bundle.
const DIST_ENTRY = path.join(PROJECT_ROOT, "dist/bundle/index.js");
const SRC_ENTRY = path.join(PROJECT_ROOT, "src/wasi/wasi.ts");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function buildDist() {
  process.stderr.write("dist/ is missing or older than src/: building with npm run build ...\n");
  try {
    execFileSync("npm", ["run", "build"], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const output = `${error.stdout ?? ""}${error.stderr ?? ""}`.trim();
    throw new Error(
      `npm run build failed, so dist/ may not match src/ (run with --no-build to use dist/ as it is, or --ours-from=src):\n${output}`,
    );
  }
}

/**
 * @param {{ from: "dist" | "src", build: boolean, snapshotDir?: string }} options
 *   snapshotDir: an empty directory to copy the dist/ build into
 * @returns {{ module: string, nodeFlags: string[], label: string, snapshotRoot: string | null }}
 */
export function locateOurs({ from, build, snapshotDir }) {
  if (!existsSync(SRC_ENTRY) && !existsSync(DIST_ENTRY)) {
    throw new Error(
      "our host is not there yet (no src/wasi/wasi.ts, no dist/bundle/index.js); use --self-test to try the runner with node:wasi on both sides",
    );
  }
  if (from === "src") {
    return { module: SRC_ENTRY, nodeFlags: ["--import", "tsx"], label: "src/wasi/wasi.ts via tsx", snapshotRoot: null };
  }
  if (build && (!existsSync(DIST_ENTRY) || newestMtime(path.join(PROJECT_ROOT, "src")) > statSync(DIST_ENTRY).mtimeMs)) buildDist();
  if (!existsSync(DIST_ENTRY)) throw new Error(`${DIST_ENTRY} was not built`);
  const builtAt = statSync(DIST_ENTRY).mtime.toISOString();
  if (!snapshotDir) return { module: DIST_ENTRY, nodeFlags: [], label: `dist/bundle/index.js (build of ${builtAt})`, snapshotRoot: null };
  // The bundle imports only node: builtins, its own chunks and the optional
  // addons, so the copy needs those and a package.json that makes .js files ES modules.
  cpSync(path.join(PROJECT_ROOT, "dist/bundle"), path.join(snapshotDir, "bundle"), { recursive: true });
  // The addons, when the install step built them, where the bundle looks for them (src/impl/node/addon-file.ts).
  const copied = [];
  for (const [name, addon] of [
    ["path calls", path.join("native", "build", "Release", "witx_wasi_native.node")],
    ["fast calls", path.join("native", "fast", "build", "Release", "witx_wasi_fast.node")],
  ]) {
    if (!existsSync(path.join(PROJECT_ROOT, addon))) continue;
    cpSync(path.join(PROJECT_ROOT, addon), path.join(snapshotDir, addon));
    copied.push(name);
  }
  writeFileSync(path.join(snapshotDir, "package.json"), JSON.stringify({ type: "module" }));
  return {
    module: path.join(snapshotDir, "bundle/index.js"),
    nodeFlags: [],
    label: `dist/bundle/index.js (the package entry point, build of ${builtAt}, copied at the start of the run; addons: ${copied.join(", ") || "none"})`,
    snapshotRoot: snapshotDir,
  };
}
