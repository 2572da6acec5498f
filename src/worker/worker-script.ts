/**
 * Starts the worker that runs a guest. Built, the script is guest-worker.js next
 * to this module (dist/src/worker/ after tsc, dist/bundle/ in the bundle, where
 * scripts/bundle.mjs makes it an entry point). Run from the TypeScript sources
 * (tests, tsx), there is no .js file: the worker registers tsx first and then
 * imports the .ts entry.
 */
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";

export function startGuestWorker(): Worker {
  // node:worker_threads is loaded by the first run in a worker, not when the package is imported.
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./guest-worker.js", here));
  // The ESM build of tsx's API (a worker's eval code resolves `import()` as CommonJS would, so by path).
  // Taken here, not imported: node:module is not otherwise loaded, and the built package never needs it.
  const { createRequire } = process.getBuiltinModule("node:module");
  const tsx = pathToFileURL(join(dirname(createRequire(here).resolve("tsx")), "esm", "api", "index.mjs")).href;
  const entry = new URL("./guest-worker.ts", here).href;
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}
