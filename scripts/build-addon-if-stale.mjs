// `npm run build`: builds the Linux addon again (native/build.mjs) when beneath.c or
// binding.gyp is newer than it, so a checkout's tests never run an addon built from
// older sources. Not shipped: an installed package builds its addon once, at install.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const native = join(dirname(fileURLToPath(import.meta.url)), "..", "native");
const built = join(native, "build/Release/witx_wasi_native.node");
const builtAt = existsSync(built) ? statSync(built).mtimeMs : -1;
const stale = ["beneath.c", "binding.gyp"].some((source) => statSync(join(native, source)).mtimeMs > builtAt);
if (stale) process.exitCode = spawnSync(process.execPath, [join(native, "build.mjs")], { stdio: "inherit" }).status ?? 1;
