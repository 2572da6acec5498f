/**
 * The package as a stranger gets it: the tarball `npm pack` makes (after `npm run
 * build`, which `npm test` runs first), checked by publint and
 * @arethetypeswrong/cli, installed offline into a fresh directory, where the
 * README's first run must work and TypeScript projects of every common shape
 * must get our types: ESM and CommonJS under NodeNext, the old `node` (node10)
 * resolution, no DOM lib, and node:wasi's own `WASIOptions`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name: string) => join(root, "node_modules/.bin", name);
const work = mkdtempSync(join(tmpdir(), "witx-wasi-package-"));
const app = join(work, "app");
let tarball = "";

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The code block after `marker` in the README. */
function readmeBlock(marker: string): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const match = readme.match(new RegExp(`^${marker}\\r?\\n\`\`\`\\w*\\r?\\n([\\s\\S]*?)^\`\`\`$`, "m"));
  if (!match) throw new Error(`README.md has no block after ${marker}`);
  return match[1];
}

beforeAll(() => {
  const packed = run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], root);
  expect(packed.status, packed.output).toBe(0);
  const [info] = JSON.parse(packed.output.slice(packed.output.indexOf("["))) as { filename: string; size: number }[];
  tarball = join(work, info.filename);
  console.log(`packed: ${(info.size / 1000).toFixed(1)} kB`);
  // A guard against shipping what does not run (sources, maps, tests): issue 15's 200 kB.
  expect(info.size).toBeLessThanOrEqual(200_000);
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  const installed = run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], app);
  expect(installed.status, installed.output).toBe(0);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the packed package", () => {
  it("passes publint --strict", () => {
    const linted = run(bin("publint"), ["--strict", "--pack", "false", join(app, "node_modules/witx-wasi")], root);
    console.log(linted.output.trim());
    expect(linted.status, linted.output).toBe(0);
    expect(linted.output).toContain("All good!");
  }, 60_000);

  it("passes @arethetypeswrong/cli in its default profile (node10, node16 CJS and ESM, bundler)", () => {
    const checked = run(bin("attw"), [tarball, "--format", "table-flipped"], root);
    console.log(checked.output.trim());
    expect(checked.status, checked.output).toBe(0);
    expect(checked.output).toContain("No problems found");
  }, 120_000);

  it("ships what runs and what types need: no sources, maps, tests or build scripts", () => {
    const listed = run("tar", ["-tzf", tarball], work);
    const files = listed.output.trim().split("\n");
    expect(files.filter((file) => /\.map$|\.ts$(?<!\.d\.ts)|^package\/(src|test|codegen|scripts|witx)\//.test(file))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining(["package/LICENSE", "package/CHANGELOG.md", "package/README.md", "package/examples/hello-world.wasm"]),
    );
  });

  it("runs the README's first-run example from the installed package", () => {
    writeFileSync(join(app, "first-run.mjs"), readmeBlock("<!-- first-run -->"));
    const ran = run(process.execPath, ["first-run.mjs"], app);
    expect(ran.output).toBe("Hello from WASI!\n");
    expect(ran.status).toBe(0);
  });

  it("runs the README's first CLI command from the installed package", () => {
    const command = readmeBlock("<!-- first-run-cli -->").trim();
    expect(command).toMatch(/^npx witx-wasi /);
    const ran = run(process.execPath, [join(app, "node_modules/witx-wasi/bin/witx-wasi.js"), ...command.split(/\s+/).slice(2)], app);
    expect(ran.output).toBe("Hello from WASI!\n");
    expect(ran.status).toBe(0);
  });

  it.runIf(process.platform === "linux")(
    "builds its Linux addons at install from the sources it ships, and they load",
    () => {
      const installedAt = join(app, "node_modules/witx-wasi");
      // The install script, which the install above skipped; it warns when an addon is not built.
      const built = run(process.execPath, [join(installedAt, "native/build.mjs")], installedAt);
      expect(built).toEqual({ status: 0, output: "" });
      const addon = (path: string) => JSON.stringify(join(installedAt, "dist/native", path, "build/Release"));
      writeFileSync(
        join(app, "addons.cjs"),
        `const load = (file) => { const addon = { exports: {} }; process.dlopen(addon, file); return addon.exports; };
console.log(load(${addon("")} + "/witx_wasi_native.node").probe(), typeof load(${addon("fast")} + "/witx_wasi_fast.node").pathCalls);`,
      );
      const fastCalls = process.versions.v8.startsWith("11.3.") ? "function" : "undefined";
      expect(run(process.execPath, ["addons.cjs"], app)).toEqual({ status: 0, output: `0 ${fastCalls}\n` });
    },
    180_000,
  );

  it("loads through require() as well, with the same classes as import", () => {
    writeFileSync(
      join(app, "both.cjs"),
      `const core = require("witx-wasi/core");
import("witx-wasi/core").then((esm) => { if (esm.WASI !== core.WASI || typeof core.MemoryDirectory !== "function") process.exit(1); });`,
    );
    const ran = run(process.execPath, ["both.cjs"], app);
    expect(ran).toEqual({ status: 0, output: "" });
  });

  describe("types for TypeScript projects", () => {
    const consumerOptions: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2022.d.ts"],
      types: ["node"],
      typeRoots: [join(root, "node_modules/@types")],
    };
    function typeErrors(files: Record<string, string>, options: ts.CompilerOptions): string[] {
      const names = Object.entries(files).map(([name, text]) => {
        writeFileSync(join(app, name), text);
        return join(app, name);
      });
      const program = ts.createProgram(names, { ...consumerOptions, ...options });
      return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
        const where = diagnostic.file ? `${diagnostic.file.fileName.slice(app.length + 1)}: ` : "";
        return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      });
    }
    const usage = `
const options: WASIOptions = { version: "preview1", args: ["a"], env: process.env, preopens: { "/sandbox": "." }, returnOnExit: true };
const wasi = new WASI(options);
const imports = wasi.getImportObject();
declare const instance: object;
const code: number = wasi.start(instance);
wasi.initialize(instance);
new MemoryDirectory();
export { imports, code };
`;

    it("ESM and CommonJS under NodeNext, without the DOM lib, accepting node:wasi's WASIOptions", () => {
      const errors = typeErrors(
        {
          "esm.mts": `import type { WASIOptions } from "node:wasi";\nimport { WASI } from "witx-wasi";\nimport { MemoryDirectory } from "witx-wasi/core";\n${usage}`,
          "cjs.cts": `import type { WASIOptions } from "node:wasi";\nimport { WASI } from "witx-wasi";\nimport { MemoryDirectory } from "witx-wasi/core";\n${usage}`,
        },
        { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
      );
      expect(errors).toEqual([]);
    }, 60_000);

    it("the old node (node10) resolution, subpaths included", () => {
      const errors = typeErrors(
        {
          "old.ts": `import type { WASIOptions } from "wasi";\nimport { WASI } from "witx-wasi";\nimport { MemoryDirectory } from "witx-wasi/core";\n${usage}`,
        },
        { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 },
      );
      expect(errors).toEqual([]);
    }, 60_000);
  });
});
