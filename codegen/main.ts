/**
 * `npm run codegen`: regenerates src/generated/ from witx/.
 * `npm run codegen -- --check`: writes nothing; exits 1 and names every file that
 * differs from what it would write (or that should not be there).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateTarget, type GeneratedFile } from "./generate.js";
import { targets } from "./targets.js";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");

function main(): number {
  const started = performance.now();
  const files: GeneratedFile[] = targets.flatMap((target) => generateTarget(projectRoot, target));
  const expected = new Map(files.map((file) => [file.path, file.text]));
  const stale: string[] = [];
  for (const target of targets) {
    const folder = join(projectRoot, target.outDir);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      const path = `${target.outDir}/${name}`;
      if (!expected.has(path)) stale.push(path);
    }
  }
  if (check) {
    const differing = files.filter((file) => {
      const path = join(projectRoot, file.path);
      return !existsSync(path) || readFileSync(path, "utf8") !== file.text;
    });
    const problems = [...differing.map((file) => file.path), ...stale.map((path) => `${path} (not generated)`)];
    if (problems.length > 0) {
      console.error(`src/generated is out of date with witx/ and codegen/; run \`npm run codegen\`:\n  ${problems.join("\n  ")}`);
      return 1;
    }
    console.log(`codegen --check: ${files.length} files up to date`);
    return 0;
  }
  for (const path of stale) rmSync(join(projectRoot, path));
  for (const file of files) {
    const path = join(projectRoot, file.path);
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path) || readFileSync(path, "utf8") !== file.text) writeFileSync(path, file.text);
  }
  console.log(`codegen: wrote ${files.length} files in ${Math.round(performance.now() - started)} ms`);
  return 0;
}

process.exitCode = main();
