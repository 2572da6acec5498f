// Bundles the runtime entry points into dist/bundle/ (one shared chunk plus a small
// file per entry), after tsc has written dist/src/ and the type declarations.
// The package's exports and bin point at the bundle: loading ~70 ES modules one
// by one cost ~100 ms and ~6 MiB at start-up (bench/RESULTS.md), a bundle ~20 ms.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: { index: "src/index.ts", portable: "src/portable.ts", cli: "src/cli/main.ts", "guest-worker": "src/worker/guest-worker.ts" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  chunkNames: "shared-[hash]",
  logLevel: "warning",
});
