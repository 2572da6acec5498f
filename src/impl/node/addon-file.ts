/**
 * Loading one of the package's optional addons (native/binding.gyp, native/fast/binding.gyp), built by
 * its install step on Linux. Missing, or built for another Node ABI: null, and
 * the caller keeps its JavaScript path.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** `directory` is the addon's folder under the package root (native, native/fast); `fileName` what its build makes. */
export function loadAddon<T extends object>(directory: string, fileName: string): T | null {
  if (process.platform !== "linux") return null;
  const file = findAddon(join(directory, "build", "Release", fileName));
  if (file === null) return null;
  try {
    // process.dlopen, not a require made by createRequire: 0.2 ms against 1.7 ms, in the first WASI object's start-up.
    const addon = { exports: {} as T };
    process.dlopen(addon, file);
    return addon.exports;
  } catch {
    return null;
  }
}

/** Where the build put it: the package root is a few levels above this module (src/impl/node, dist/bundle, ...). */
function findAddon(relative: string): string | null {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 5; level++) {
    const candidate = join(directory, relative);
    if (existsSync(candidate)) return candidate;
    directory = dirname(directory);
  }
  return null;
}
