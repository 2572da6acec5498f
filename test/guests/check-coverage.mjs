// Checks COVERAGE.md against the witx and the built guests: every preview1
// function must have a row, and every program named in a row must import
// that function (a program that does not import it cannot be testing it).
// Usage: node test/guests/check-coverage.mjs   (after test/guests/build.sh)
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const guestsDir = dirname(fileURLToPath(import.meta.url));
const witxPath = join(guestsDir, "..", "..", "witx", "preview1", "wasi_snapshot_preview1.witx");
const witxFunctions = [...readFileSync(witxPath, "utf8").matchAll(/\(@interface func \(export "([a-z_0-9]+)"\)/g)].map((m) => m[1]);

const rows = new Map();
for (const line of readFileSync(join(guestsDir, "COVERAGE.md"), "utf8").split("\n")) {
  const m = /^\| `([a-z_0-9]+)` \| ([^|]+) \|/.exec(line);
  if (m)
    rows.set(
      m[1],
      m[2].split(",").map((p) => p.trim()),
    );
}

const importsOf = new Map();
function imports(program) {
  if (!importsOf.has(program)) {
    const module = new WebAssembly.Module(readFileSync(join(guestsDir, "bin", `${program}.wasm`)));
    importsOf.set(
      program,
      new Set(
        WebAssembly.Module.imports(module)
          .filter((i) => i.module === "wasi_snapshot_preview1")
          .map((i) => i.name),
      ),
    );
  }
  return importsOf.get(program);
}

const problems = [];
for (const fn of witxFunctions) {
  const programs = rows.get(fn);
  if (!programs) {
    problems.push(`${fn}: no row in COVERAGE.md`);
    continue;
  }
  for (const program of programs) if (!imports(program).has(fn)) problems.push(`${fn}: ${program}.wasm does not import it`);
}
for (const fn of rows.keys()) if (!witxFunctions.includes(fn)) problems.push(`${fn}: in COVERAGE.md but not in the witx`);

if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`all ${witxFunctions.length} preview1 functions are covered`);
