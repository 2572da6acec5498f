// The package's install step: builds the optional addon (beneath.c) with the
// node-gyp npm ships, on Linux only. It never fails the install: without a
// compiler, Python or Node's headers the host keeps its JavaScript resolver
// (see src/impl/node/native-beneath.ts), and says nothing more than this.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

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

function skip(reason) {
  console.warn(`witx-wasi: native path resolution not built (${reason}); the JavaScript resolver is used.`);
}

if (process.env.WITX_WASI_NATIVE === "0") {
  skip("WITX_WASI_NATIVE=0");
} else if (process.platform !== "linux") {
  skip(`it needs Linux openat2, this is ${process.platform}`);
} else {
  const script = nodeGypScript();
  if (script === null) {
    skip("node-gyp not found");
  } else {
    // Outside npm (`node native/build.mjs`) node-gyp would download Node's headers; the
    // headers installed beside this Node serve as well, as npm's `nodedir` setting says.
    const prefix = join(dirname(process.execPath), "..");
    const localHeaders = !process.env.npm_config_nodedir && existsSync(join(prefix, "include/node/node_api.h"));
    const args = [script, "rebuild", "--directory", here, ...(localHeaders ? [`--nodedir=${prefix}`] : [])];
    const run = spawnSync(process.execPath, args, {
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
    if (run.status !== 0) {
      const lastLines = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim().split("\n").slice(-3).join(" | ");
      skip(`node-gyp failed: ${lastLines || run.error?.message || `status ${run.status}`}`);
    }
  }
}
