/**
 * The Node bundle's on-demand parts (src/wasi/on-demand.ts, scripts/bundle.mjs):
 * importing dist/bundle/index.js does not load on-demand.cjs, and what it holds
 * works from the bundle as it does from the sources — preview0 guests, traces,
 * wasiImportNames("unstable"), toPreview0Host and the preview0/preview1
 * namespaces — through import and require() alike, with one copy of each module.
 * Each case runs in a fresh Node process, so nothing is loaded before it starts.
 * Needs `npm run build` (run by `npm test`).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import * as sourcePreview0 from "../src/generated/preview0/index.js";
import * as sourcePreview1 from "../src/generated/preview1/index.js";
import { wasiImportNames } from "../src/wasi/wasi.js";
import { watToBytes } from "./support/compile-wat.js";

const bundle = fileURLToPath(new URL("../dist/bundle/", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "witx-wasi-on-demand-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Writes "hi\n" to stdout through wasi_unstable's fd_write and exits with its errno.
const preview0Hello = watToBytes(`(module
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\\10\\00\\00\\00\\03\\00\\00\\00")
  (data (i32.const 16) "hi\\n")
  (func (export "_start") (call $proc_exit (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`);
const guestFile = join(scratch, "preview0-hello.wasm");
writeFileSync(guestFile, preview0Hello);
const helloWorld = fileURLToPath(new URL("../examples/hello-world.wasm", import.meta.url));

/** Runs `body` as an ES module in a fresh process, with `entry` imported as `pkg`; returns what it printed as JSON. */
function runModule(entry: string, body: string): unknown {
  const script = join(scratch, `case-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    script,
    `import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as pkg from ${JSON.stringify(pathToFileURL(entry).href)};
const require = createRequire(import.meta.url);
${body}`,
  );
  const ran = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 60_000 });
  expect(ran.status, ran.stderr.slice(-2000)).toBe(0);
  return JSON.parse(ran.stdout);
}

describe("the Node bundle's on-demand parts", () => {
  it("are not loaded at import: without on-demand.cjs, preview1 runs and only preview0 fails", () => {
    const copy = join(scratch, "without-on-demand");
    cpSync(bundle, copy, { recursive: true });
    rmSync(join(copy, "on-demand.cjs"));
    writeFileSync(join(scratch, "package.json"), JSON.stringify({ type: "module" }));
    const result = runModule(
      join(copy, "index.js"),
      `const stdout = pkg.captureOutput();
const wasi = new pkg.WASI({ version: "preview1", stdio: { stdout } });
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(${JSON.stringify(helloWorld)})), wasi.getImportObject());
const code = wasi.start(instance);
let unstable = null;
try { new pkg.WASI({ version: "unstable" }); } catch (error) { unstable = error.code; }
console.log(JSON.stringify({ code, output: stdout.text(), keys: Object.keys(pkg.preview0).length, unstable }));`,
    );
    expect(result).toEqual({
      code: 0,
      output: "Hello from WASI!\n",
      keys: Object.keys(sourcePreview0).length,
      unstable: "MODULE_NOT_FOUND",
    });
  });

  it("run a preview0 guest with a trace, and serve wasiImportNames and toPreview0Host", () => {
    const result = runModule(
      join(bundle, "index.js"),
      `const stdout = pkg.captureOutput();
const lines = [];
const wasi = new pkg.WASI({ version: "unstable", stdio: { stdout }, trace: { log: (line) => lines.push(line) } });
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(${JSON.stringify(guestFile)})), wasi.getImportObject());
const code = wasi.start(instance);
const adapted = pkg.toPreview0Host(pkg.createPortableHost({ args: ["a"], env: [] }));
console.log(JSON.stringify({
  code,
  output: stdout.text(),
  traced: lines.map((line) => line.split("(")[0]),
  names: pkg.wasiImportNames("unstable"),
  adapted: typeof adapted.fd_write,
}));`,
    );
    expect(result).toEqual({
      code: 0,
      output: "hi\n",
      traced: ["fd_write", "proc_exit"],
      names: wasiImportNames("unstable"),
      adapted: "function",
    });
  });

  it("give the preview0 and preview1 namespaces their source's keys, the same objects through import and require()", () => {
    const result = runModule(
      join(bundle, "index.js"),
      `const required = require(${JSON.stringify(join(bundle, "../cjs/index.cjs"))});
const portable = await import(${JSON.stringify(pathToFileURL(join(bundle, "portable.js")).href)});
const describe = (namespace) => Object.fromEntries(Object.entries(namespace).map(([key, value]) => [key, typeof value === "object" ? Object.keys(value).length : typeof value]));
console.log(JSON.stringify({
  preview0: describe(pkg.preview0),
  preview1: describe(pkg.preview1),
  same: [
    required.preview0 === pkg.preview0,
    portable.preview1 === pkg.preview1,
    pkg.preview1.types === required.preview1.types,
    pkg.preview0.createPreview0Imports === portable.preview0.createPreview0Imports,
  ],
}));`,
    );
    const describe = (namespace: object) =>
      Object.fromEntries(
        Object.entries(namespace).map(([key, value]) => [key, typeof value === "object" ? Object.keys(value).length : typeof value]),
      );
    expect(result).toEqual({
      preview0: describe(sourcePreview0),
      preview1: describe(sourcePreview1),
      same: [true, true, true, true],
    });
  });
});
