// Compiles every test/guests/wat/*.wat into <out>/<name>.wasm with wabt.
// Usage: node test/guests/build-wat.mjs [out-dir]   (default: test/guests/bin)
import { readdir, readFile, writeFile, mkdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const guestsDir = dirname(fileURLToPath(import.meta.url));
const watDir = join(guestsDir, "wat");
const outDir = process.argv[2] ?? join(guestsDir, "bin");

const wabt = await (await import("wabt")).default();
await mkdir(outDir, { recursive: true });

const sources = (await readdir(watDir)).filter((f) => f.endsWith(".wat")).sort();
for (const file of sources) {
  const name = basename(file, ".wat");
  // A .wat and a .c of the same name would overwrite each other's output.
  try {
    await readFile(join(guestsDir, "c", `${name}.c`));
    throw new Error(`wat/${file} and c/${name}.c would both build bin/${name}.wasm`);
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
  }
  const text = await readFile(join(watDir, file), "utf8");
  const module = wabt.parseWat(file, text, {});
  try {
    module.resolveNames();
    module.validate();
    const { buffer } = module.toBinary({ write_debug_names: true });
    await writeFile(join(outDir, `${name}.wasm`), buffer);
  } finally {
    module.destroy();
  }
}
console.log(`built ${sources.length} wat module(s) into ${outDir}`);
