// `npm run check`: the type-check, the format check, the linter and the
// unused-exports check, each run to the end so one report shows every kind of
// problem; fails when any of them does.
import { spawnSync } from "node:child_process";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// The tools from this package's node_modules, also when run without npm.
const env = { ...process.env, PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}` };
const steps = [
  ["type-check", "tsc", ["-p", "tsconfig.json", "--noEmit"]],
  ["format", "biome", ["format", "."]],
  ["lint", "biome", ["lint", "--error-on-warnings", "."]],
  ["unused exports", "knip", []],
];

const failed = [];
for (const [name, command, args] of steps) {
  console.log(`\n== ${name}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit", shell: process.platform === "win32" });
  if (result.status !== 0) failed.push(name);
}
console.log(failed.length === 0 ? "\ncheck: all passed" : `\ncheck: failed: ${failed.join(", ")}`);
process.exitCode = failed.length === 0 ? 0 : 1;
