// Compiles a .wat file to .wasm with the wabt npm package (no native wabt needed).
// Usage: node bench/wat2wasm.mjs input.wat output.wasm
import { readFileSync, writeFileSync } from "node:fs";
import initWabt from "wabt";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node bench/wat2wasm.mjs input.wat output.wasm");
  process.exit(2);
}
const wabt = await initWabt();
const parsed = wabt.parseWat(input, readFileSync(input, "utf8"));
parsed.validate();
const { buffer } = parsed.toBinary({ write_debug_names: true });
parsed.destroy();
writeFileSync(output, buffer);
