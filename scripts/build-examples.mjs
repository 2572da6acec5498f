// Compiles examples/*.wat into examples/<name>.wasm with wabt (the committed
// binaries are what the package ships; test/package.test.ts checks they match).
// `--check` writes nothing and fails when a committed binary differs.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import wabtInit from "wabt";

const examples = fileURLToPath(new URL("../examples/", import.meta.url));
const check = process.argv.includes("--check");
const wabt = await wabtInit();
let stale = 0;
for (const file of readdirSync(examples).filter((name) => name.endsWith(".wat"))) {
  const module = wabt.parseWat(file, readFileSync(examples + file, "utf8"));
  module.validate();
  const { buffer } = module.toBinary({});
  module.destroy();
  const target = examples + file.replace(/\.wat$/, ".wasm");
  if (!check) writeFileSync(target, buffer);
  else if (!Buffer.from(buffer).equals(readFileSync(target))) {
    console.error(`examples/${file}: the committed .wasm differs from its build`);
    stale++;
  }
}
process.exitCode = stale === 0 ? 0 : 1;
