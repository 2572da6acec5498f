/**
 * The layers of the tree, checked on every import of src/ and codegen/
 * (static, dynamic, type-only and re-exports, as TypeScript's pre-processor
 * reads them). An import that crosses a layer the wrong way fails the test
 * with the file, the import as written and the rule it breaks.
 *
 *   runtime     imports nothing of ours
 *   generated   runtime
 *   impl        generated, runtime (and impl); its abstractions and the
 *               preview1/preview0 calls never reach into a backend
 *               (impl/node, impl/memory, impl/portable)
 *   wasi        impl, generated, runtime (and wasi)
 *   worker      wasi, impl, generated, runtime (and worker): the worker runner
 *   cli         worker, wasi, impl, generated, runtime (and cli)
 *   browser     worker, wasi, impl, generated, runtime (and browser): web-only
 *               embedding (Web Worker runner, DOM sink, fetch, OPFS), built on
 *               the Node-free parts of the worker runner
 *   entry       src/index.ts, src/portable.ts: anything in src
 *   codegen     codegen only
 * Nothing in src imports codegen or test, and src imports no npm package
 * (the package has no runtime dependencies), only `node:` builtins.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

type Layer = "runtime" | "generated" | "impl" | "wasi" | "worker" | "cli" | "browser" | "entry" | "codegen" | "test" | "elsewhere";

const allowed: Record<Layer, readonly Layer[]> = {
  runtime: ["runtime"],
  generated: ["generated", "runtime"],
  impl: ["impl", "generated", "runtime"],
  wasi: ["wasi", "impl", "generated", "runtime"],
  worker: ["worker", "wasi", "impl", "generated", "runtime"],
  cli: ["cli", "worker", "wasi", "impl", "generated", "runtime"],
  browser: ["browser", "worker", "wasi", "impl", "generated", "runtime"],
  entry: ["entry", "cli", "browser", "worker", "wasi", "impl", "generated", "runtime"],
  codegen: ["codegen"],
  test: [],
  elsewhere: [],
};

const backends = ["src/impl/node/", "src/impl/memory/", "src/impl/portable/"];

function layerOf(path: string): Layer {
  if (path.startsWith("codegen/")) return "codegen";
  if (path.startsWith("test/")) return "test";
  if (!path.startsWith("src/")) return "elsewhere";
  const [, first, second] = path.split("/");
  if (second === undefined) return "entry";
  if (
    first === "runtime" ||
    first === "generated" ||
    first === "impl" ||
    first === "wasi" ||
    first === "worker" ||
    first === "cli" ||
    first === "browser"
  ) {
    return first;
  }
  return "elsewhere";
}

interface ImportEdge {
  /** The importing file, relative to the repository root. */
  file: string;
  /** The specifier as written. */
  specifier: string;
}

/** Why `edge` breaks a rule, or null when it does not. */
function ruleBroken({ file, specifier }: ImportEdge): string | null {
  const from = layerOf(file);
  if (!specifier.startsWith(".")) {
    if (from === "codegen" || specifier.startsWith("node:")) return null;
    return `src imports no npm package (witx-wasi has no runtime dependencies), only node: builtins`;
  }
  const target = posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, ".ts");
  const to = layerOf(target);
  if (!allowed[from].includes(to)) {
    return `${from} (${file}) may import only ${allowed[from].join(", ")}, not ${to} (${target})`;
  }
  const fromBackend = backends.some((prefix) => file.startsWith(prefix));
  const intoBackend = backends.find((prefix) => target.startsWith(prefix));
  if (from === "impl" && !fromBackend && intoBackend !== undefined) {
    return `impl's abstractions and calls (${file}) never import a backend (${target})`;
  }
  if (fromBackend && intoBackend !== undefined && !file.startsWith(intoBackend)) {
    return `one backend (${file}) never imports another (${target})`;
  }
  return null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort();
}

function importsOf(file: string): ImportEdge[] {
  const info = ts.preProcessFile(readFileSync(join(root, file), "utf8"), true, true);
  return info.importedFiles.map((imported) => ({ file, specifier: imported.fileName }));
}

const files = [...sourceFiles("src"), ...sourceFiles("codegen")];

describe("layers: every import of src/ and codegen/ goes the right way", () => {
  it("reads the imports of every file (the check sees the tree)", () => {
    expect(files).toContain("src/index.ts");
    expect(files).toContain("src/runtime/index.ts");
    expect(files.some((file) => file.startsWith("codegen/"))).toBe(true);
    expect(importsOf("src/index.ts").length).toBeGreaterThan(0);
  });

  it("finds no import that crosses a layer the wrong way", () => {
    const broken = files.flatMap(importsOf).flatMap((edge) => {
      const rule = ruleBroken(edge);
      return rule === null ? [] : [`${edge.file}: import "${edge.specifier}" — ${rule}`];
    });
    expect(broken).toEqual([]);
  });

  it("would name a wrong import: each rule rejects an edge that breaks it", () => {
    const wrong: ImportEdge[] = [
      { file: "src/runtime/memory.ts", specifier: "../impl/fd-table.js" },
      { file: "src/generated/preview1/glue.ts", specifier: "../../impl/context.js" },
      { file: "src/impl/node/initial-fds.ts", specifier: "../../wasi/node-errors.js" },
      { file: "src/impl/fd-table.ts", specifier: "./node/io.js" },
      { file: "src/impl/memory/nodes.ts", specifier: "../node/stats.js" },
      { file: "src/wasi/wasi.ts", specifier: "../cli/run.js" },
      { file: "src/wasi/wasi.ts", specifier: "../index.js" },
      { file: "src/cli/run.ts", specifier: "../index.js" },
      { file: "src/index.ts", specifier: "../codegen/main.js" },
      { file: "src/portable.ts", specifier: "../test/support/guest-runner.js" },
      { file: "src/impl/description.ts", specifier: "ts-morph" },
      { file: "codegen/main.ts", specifier: "../src/runtime/index.js" },
    ];
    for (const edge of wrong) expect(ruleBroken(edge), `${edge.file} → ${edge.specifier}`).not.toBeNull();
    expect(ruleBroken({ file: "src/impl/node/index.ts", specifier: "../host-bootstrap.js" })).toBeNull();
    expect(ruleBroken({ file: "src/wasi/wasi.ts", specifier: "node:fs" })).toBeNull();
  });
});
