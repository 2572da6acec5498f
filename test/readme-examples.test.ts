/**
 * Every ```ts block in the README and in docs/*.md that follows an
 * `<!-- example -->` line is type-checked and run; a block fails the test by not compiling, by throwing
 * or by exiting non-zero. Imports of the package ("witx-wasi",
 * "witx-wasi/portable" and its alias "witx-wasi/core") are pointed at the sources, so no build is needed.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** Where the runnable examples live: every ts block after an `<!-- example -->` line. */
const examplesSources = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`),
];
const scratch = join(root, "test/.scratch/readme-examples");

function examples(source: string, markdown: string): { line: string; code: string }[] {
  const found: { line: string; code: string }[] = [];
  const pattern = /^<!-- example -->\r?\n```(?:ts|js|typescript|javascript)\r?\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(pattern)) {
    found.push({ line: `${source}:${markdown.slice(0, match.index).split("\n").length}`, code: match[1] });
  }
  return found;
}

function pointAtSources(code: string): string {
  return code
    .replace(/from "witx-wasi\/(?:portable|core)"/g, 'from "../../../src/portable.js"')
    .replace(/from "witx-wasi"/g, 'from "../../../src/index.js"');
}

const blocks = examplesSources.flatMap((source) => examples(source, readFileSync(join(root, source), "utf8")));
mkdirSync(scratch, { recursive: true });
const files = blocks.map((block, index) => {
  const file = join(scratch, `example-${index + 1}.ts`);
  writeFileSync(file, pointAtSources(block.code));
  return file;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe(`the runnable examples in ${examplesSources.join(", ")}`, () => {
  it("has some", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it("all type-check", () => {
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ["node"],
    });
    const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where = diagnostic.file ? `${diagnostic.file.fileName.slice(scratch.length + 1)}: ` : "";
      return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    });
    expect(errors).toEqual([]);
  }, 120_000);

  it.each(blocks.map((block, index) => [block.line, files[index]] as const))(
    "the example at %s runs",
    (_line, file) => {
      const run = spawnSync(process.execPath, ["--import", "tsx", file], { cwd: root, encoding: "utf8", timeout: 60_000 });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
    },
    70_000,
  );
});
