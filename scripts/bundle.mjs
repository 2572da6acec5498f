// Builds what the package ships, after `tsc -p tsconfig.build.json` has written the
// declarations into dist/types/:
// - dist/bundle/: the Node build: index.js and portable.js with one shared chunk, the CLI
//   and the worker runner's script. Node loads it ("." always, the subpaths through the
//   "node" export condition) and the CLI: loading ~70 ES modules one by one cost ~60-100 ms
//   at start-up, the bundle ~10 ms (bench/RESULTS.md, "Import time").
// - dist/esm/: one ES module per module the portable entry point reaches, for bundlers
//   (the subpaths' "default" condition, `sideEffects: false`), so an app keeps only
//   what it imports.
// - dist/cjs/: CommonJS entries for `require` and TypeScript's CommonJS resolution;
//   they require the Node build (require(esm) works from Node 20.19, the engines floor),
//   so there is one copy of every class whichever way the package is loaded.
// Declarations no entry point reaches are deleted, so the tarball carries only
// what runs and what types need.
import { build } from "esbuild";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const entries = { index: "src/index.ts", portable: "src/portable.ts" };
// Minified: a smaller tarball, and less for Node to parse at import.
const common = { absWorkingDir: root, format: "esm", target: "es2022", minify: true, logLevel: "warning" };

/**
 * Node builtins taken with process.getBuiltinModule (Node 20.16+) instead of `import`.
 * An ES import of a builtin builds its ES facade, which reads every export, getters
 * included: `node:fs` then loads all of node:stream for `ReadStream`, ~1.5 ms of the
 * package's import time for streams nothing here uses. The shim exports the builtin's
 * plain data properties, so importing anything else (a lazy getter) fails the build.
 */
const builtinsWithoutFacade = {
  name: "builtins-without-facade",
  setup(build) {
    const require = createRequire(import.meta.url);
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "builtin" }));
    build.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => {
      const names = Object.entries(Object.getOwnPropertyDescriptors(require(args.path)))
        .filter(([name, descriptor]) => "value" in descriptor && /^[A-Za-z_$][\w$]*$/.test(name) && name !== "default")
        .map(([name]) => name);
      const module = `process.getBuiltinModule(${JSON.stringify(args.path)})`;
      return {
        // One pure statement per name, so the bundle keeps only the names it uses.
        contents: `const builtin = ${module};\nexport default builtin;\n${names.map((name) => `export const ${name} = /* @__PURE__ */ (() => builtin.${name})();`).join("\n")}\n`,
        loader: "js",
      };
    });
  },
};

for (const directory of ["dist/bundle", "dist/esm", "dist/cjs", "dist/src"])
  rmSync(join(root, directory), { recursive: true, force: true });

// Node pays per module file at import (read, compile, link: ~0.8 ms each here, more than
// compiling 30 kB), so the entry points share as few chunks as esbuild's splitting allows:
// only index.js and portable.js are split, which keeps one copy of every class whichever
// entry (or both) an app loads, and index.js imports one shared chunk. The CLI and the
// worker runner's script are built apart (below).
const node = await build({
  ...common,
  plugins: [builtinsWithoutFacade],
  entryPoints: entries,
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  platform: "node",
  target: "node20",
  chunkNames: "shared-[hash]",
  metafile: true,
});

/** Resolves the imports of the modules in `modules` (paths from the root) to `target`, an external path, and nothing else. */
function externalModules(name, modules, target) {
  return {
    name,
    setup(build) {
      build.onResolve({ filter: /^\.{1,2}\// }, (args) => {
        if (args.kind === "entry-point") return undefined;
        const source = relative(root, join(args.resolveDir, args.path.replace(/\.js$/, ".ts"))).replaceAll("\\", "/");
        return modules.has(source) ? { path: target(source), external: true } : undefined;
      });
    },
  };
}

/**
 * The CLI takes what index.js exports from index.js, so the process has one copy of each
 * class (its `instanceof` checks of the runner's errors depend on that). Only modules
 * without classes or state may be copied into cli.js besides its own.
 */
const cliThroughIndex = new Set(["src/wasi/wasi.ts", "src/impl/memory/index.ts", "src/worker/run-in-worker.ts", "src/worker/sockets.ts"]);
const cliCopies = new Set(["src/worker/thread-spawn.ts", "src/worker/listen-address.ts"]);
const cli = await build({
  ...common,
  plugins: [builtinsWithoutFacade, externalModules("cli-through-index", cliThroughIndex, () => "./index.js")],
  entryPoints: { cli: "src/cli/main.ts" },
  outdir: "dist/bundle",
  bundle: true,
  platform: "node",
  target: "node20",
  metafile: true,
});
const cliStrays = Object.keys(cli.metafile.inputs).filter(
  (input) => input.startsWith("src/") && !input.startsWith("src/cli/") && !cliCopies.has(input),
);
if (cliStrays.length > 0)
  throw new Error(`cli.js would carry copies of ${cliStrays.join(", ")}: take them from index.js (cliThroughIndex)`);

// The worker runner starts guest-worker.js beside the bundle (src/worker/worker-script.ts):
// one file, since it runs in a thread of its own, with its own module instances anyway.
await build({
  ...common,
  plugins: [builtinsWithoutFacade],
  entryPoints: { "guest-worker": "src/worker/guest-worker.ts" },
  outdir: "dist/bundle",
  bundle: true,
  platform: "node",
  target: "node20",
});

for (const name of Object.keys(entries)) namePublicFunctions(join(root, `dist/bundle/${name}.js`));

// dist/esm: every module the portable entry point reaches, transpiled on its own, so a
// bundler keeps only what an app imports (test/bundle-size.test.ts). Without keepNames:
// a bundler renames anyway, and its `__name` calls would stop it dropping unused classes.
const portableInputs = reachedModules(node.metafile, ["src/portable.ts"]);
await build({
  ...common,
  entryPoints: [...portableInputs],
  outdir: "dist/esm",
  outbase: "src",
  bundle: false,
  platform: "neutral",
});

pruneDeclarations("dist/types", Object.keys(entries));
withoutComments(listFiles(join(root, "dist/types/generated/preview0")));
withoutComments(declarationsOfNoExport("dist/types", Object.keys(entries)));
// tsc indents declarations by four spaces a level; a tab a level reads the same and packs smaller.
for (const file of listFiles(join(root, "dist/types"))) {
  const text = readFileSync(file, "utf8");
  writeFileSync(
    file,
    text.replace(/^(?: {4})+/gm, (indent) => "\t".repeat(indent.length / 4)),
  );
}

mkdirSync(join(root, "dist/cjs"), { recursive: true });
for (const name of Object.keys(entries)) {
  writeFileSync(join(root, `dist/cjs/${name}.cjs`), `"use strict";\nmodule.exports = require("../bundle/${name}.js");\n`);
  writeFileSync(join(root, `dist/cjs/${name}.d.cts`), `export * from "../types/${name}.js";\n`);
}

/**
 * Gives the functions and classes an entry point exports their public names back, which
 * minifying took (`WASI.name`, what util.inspect shows). esbuild's keepNames would name
 * every function, but it does so with a call wherever one is created, nested closures
 * included: ~1.5 ms more import and ~18 µs more per WASI object.
 */
function namePublicFunctions(file) {
  const text = readFileSync(file, "utf8");
  const exported = /export\{([^}]*)\};?\s*$/.exec(text);
  if (exported === null) throw new Error(`${file}: no export clause at the end`);
  const pairs = exported[1].split(",").map((item) => {
    const [local, as = local] = item.split(" as ");
    return `${as}:${local}`;
  });
  // Long names for the loop's own bindings: the minified ones are short and in scope.
  const naming = `for(const[publicName,exportedValue]of Object.entries({${pairs.join(",")}}))typeof exportedValue=="function"&&Object.defineProperty(exportedValue,"name",{value:publicName,configurable:!0});`;
  writeFileSync(file, `${text.slice(0, exported.index)}${naming}${text.slice(exported.index)}`);
}

/** The source modules (paths from the root, as in the metafile) that `starts` reach. */
function reachedModules(metafile, starts) {
  const reached = new Set();
  const pending = [...starts];
  while (pending.length > 0) {
    const input = pending.pop();
    if (reached.has(input)) continue;
    reached.add(input);
    for (const { path } of metafile.inputs[input].imports) if (path.startsWith("src/")) pending.push(path);
  }
  return reached;
}

/**
 * Strips the comments from declaration files. Used for preview0's, whose documentation
 * repeats preview1's nearly word for word (the same witx docs), and for the files that
 * declare nothing an entry point exports (they are there because an exported type
 * mentions one of their types, and no editor shows their comments to a user).
 */
function withoutComments(files) {
  const printer = ts.createPrinter({ removeComments: true });
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    writeFileSync(file, printer.printFile(source));
  }
}

/** The declaration files in `directory` where no name the entry points export (namespaces' members included) is declared. */
function declarationsOfNoExport(directory, entryNames) {
  const base = join(root, directory);
  const entryFiles = entryNames.map((name) => join(base, `${name}.d.ts`));
  const program = ts.createProgram(entryFiles, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ["node"],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const declaring = new Set(entryFiles);
  const seen = new Set();
  const visit = (exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (seen.has(symbol)) return;
    seen.add(symbol);
    for (const declaration of symbol.declarations ?? []) declaring.add(declaration.getSourceFile().fileName);
    if (symbol.flags & ts.SymbolFlags.Module) for (const member of checker.getExportsOfModule(symbol)) visit(member);
  };
  for (const file of entryFiles)
    for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)))) visit(exported);
  return listFiles(base).filter((file) => !declaring.has(file.replaceAll("\\", "/")) && !declaring.has(file));
}

/** Deletes the declaration files that no entry point's declarations import. */
function pruneDeclarations(directory, entryNames) {
  const base = join(root, directory);
  const reached = new Set();
  const pending = entryNames.map((name) => join(base, `${name}.d.ts`));
  while (pending.length > 0) {
    const file = pending.pop();
    if (reached.has(file)) continue;
    reached.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:from\s+|import\()"(\.{1,2}\/[^"]+)\.js"/g)) {
      pending.push(join(dirname(file), `${match[1]}.d.ts`));
    }
  }
  for (const file of listFiles(base)) if (!reached.has(file)) rmSync(file);
}

function listFiles(directory) {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
