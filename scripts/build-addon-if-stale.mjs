// `npm run build`: builds the Linux addons again (native/build.mjs) when a source or
// binding.gyp is newer than one of them, so a checkout's tests never run an addon built from
// older sources. Not shipped: an installed package builds its addon once, at install.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const native = join(dirname(fileURLToPath(import.meta.url)), "..", "native");
// Each addon directory: its sources, and what they build.
const addons = [
  { directory: native, sources: ["beneath.c", "binding.gyp"], built: "witx_wasi_native.node" },
  { directory: join(native, "fast"), sources: ["fast-calls.cc", "binding.gyp", "../beneath.c"], built: "witx_wasi_fast.node" },
];
const stale = addons.some(({ directory, sources, built }) => {
  const output = join(directory, "build/Release", built);
  const builtAt = existsSync(output) ? statSync(output).mtimeMs : -1;
  return sources.some((source) => statSync(join(directory, source)).mtimeMs > builtAt);
});
if (stale) process.exitCode = spawnSync(process.execPath, [join(native, "build.mjs")], { stdio: "inherit" }).status ?? 1;
