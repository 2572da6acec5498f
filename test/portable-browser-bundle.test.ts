/**
 * The portable entry point must load in a browser: bundling src/portable.ts for the
 * browser platform must not pull in any `node:` module or Node builtin, and
 * the bundle must run a guest with nothing but web APIs.
 */
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const nodeBuiltins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

async function bundle(entry: string) {
  return esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
}

function importsOf(metafile: esbuild.Metafile): string[] {
  return Object.values(metafile.inputs).flatMap((input) => input.imports.map((entry) => entry.path));
}

describe("the portable entry point in a browser bundle", () => {
  it("bundles src/portable.ts for the browser with no node: module or Node builtin reachable", async () => {
    const result = await bundle("src/portable.ts");
    expect(result.errors).toEqual([]);
    const pulled = importsOf(result.metafile).filter((path) => path.startsWith("node:") || nodeBuiltins.has(path));
    expect(pulled).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain("src/portable.ts");
    expect(inputs.some((path) => path.startsWith("src/impl/node/"))).toBe(false);
  });

  it("would catch a Node import: the Node entry point fails the same check", async () => {
    const result = await bundle("src/index.ts").catch((error: esbuild.BuildFailure) => error);
    const text = "errors" in result ? JSON.stringify(result.errors) : "";
    const pulled = "metafile" in result && result.metafile ? importsOf(result.metafile).filter((path) => path.startsWith("node:")) : [];
    expect(pulled.length > 0 || /node:/.test(text)).toBe(true);
  });

  it("runs a guest from the bundle alone, with stdin from a string and stdout captured", async () => {
    const result = await bundle("src/portable.ts");
    const code = result.outputFiles[0].text;
    const url = `data:text/javascript;base64,${Buffer.from(code).toString("base64")}`;
    const portable = (await import(url)) as typeof import("../src/portable.js");
    const { readFileSync } = await import("node:fs");
    const module = new WebAssembly.Module(readFileSync(new URL("guests/bin/cat.wasm", import.meta.url)));
    const out = portable.captureOutput();
    const wasi = new portable.WASI({ version: "preview1", stdio: { stdin: "from the bundle\n", stdout: out } });
    expect(wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()))).toBe(0);
    expect(out.text()).toBe("from the bundle\n");
  });
});
