// Compiles a .wat file to .wasm with the wabt npm package (no native wabt needed).
// Usage: node bench/wat2wasm.mjs [--threads] input.wat output.wasm
// (--threads: shared memory and atomics, which wabt parses but does not validate; V8 does.)
import { readFileSync, writeFileSync } from "node:fs";
import initWabt from "wabt";

const threads = process.argv[2] === "--threads";
const [input, output] = process.argv.slice(threads ? 3 : 2);
if (!input || !output) {
  console.error("usage: node bench/wat2wasm.mjs [--threads] input.wat output.wasm");
  process.exit(2);
}
const wabt = await initWabt();
const parsed = wabt.parseWat(input, readFileSync(input, "utf8"), { threads });
if (!threads) parsed.validate();
const { buffer } = parsed.toBinary({ write_debug_names: true });
parsed.destroy();
writeFileSync(output, buffer);
