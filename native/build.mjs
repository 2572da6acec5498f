// The install step: builds the optional addons with npm's node-gyp, on Linux. It never
// fails the install: without them the host keeps its JavaScript paths, and says so.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// In the repository the sources are beside this script; an installed package has them, without
// their comments, in dist/native/ (scripts/pack-native.mjs), where the addons are then built.
const beside = dirname(fileURLToPath(import.meta.url));
const here = existsSync(join(beside, "beneath.c")) ? beside : join(beside, "../dist/native");

function nodeGypScript() {
  // npm tells its lifecycle scripts where its own node-gyp is.
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  try {
    return createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js");
  } catch {
    const bundled = join(dirname(process.execPath), "../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js");
    return existsSync(bundled) ? bundled : null;
  }
}

// Built apart, so that one that fails (no C++ compiler, say) leaves the other.
const addons = [
  { directory: here, what: "native path resolution", instead: "the JavaScript resolver is used" },
  { directory: join(here, "fast"), what: "native clock, random and read imports", instead: "the JavaScript glue serves them" },
];

function skip(addon, reason) {
  console.warn(`witx-wasi: ${addon.what} not built (${reason}); ${addon.instead}.`);
}

function build(addon, script) {
  // Outside npm (`node native/build.mjs`) node-gyp would download Node's headers; the
  // headers installed beside this Node serve as well, as npm's `nodedir` setting says.
  const prefix = join(dirname(process.execPath), "..");
  const localHeaders = !process.env.npm_config_nodedir && existsSync(join(prefix, "include/node/node_api.h"));
  const args = [script, "rebuild", "--directory", addon.directory, ...(localHeaders ? [`--nodedir=${prefix}`] : [])];
  const run = spawnSync(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (run.status !== 0) {
    const lastLines = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim().split("\n").slice(-3).join(" | ");
    skip(addon, `node-gyp failed: ${lastLines || run.error?.message || `status ${run.status}`}`);
  }
}

const script = nodeGypScript();
for (const addon of addons) {
  if (process.env.WITX_WASI_NATIVE === "0") skip(addon, "WITX_WASI_NATIVE=0");
  else if (process.platform !== "linux") skip(addon, `Linux only, this is ${process.platform}`);
  else if (script === null) skip(addon, "node-gyp not found");
  else build(addon, script);
}
