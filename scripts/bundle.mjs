// Builds what the package ships, after `tsc -p tsconfig.build.json` has written the
// declarations into dist/types/:
// - dist/bundle/: the Node build: index.js and portable.js with one shared chunk, the
//   parts loaded at first use (on-demand.cjs), the CLI and the worker runner's script.
//   Node loads it ("." always, the subpaths through the "node" export condition) and the
//   CLI: loading ~70 ES modules one by one cost ~60-100 ms at start-up, the bundle
//   ~8-9 ms (bench/RESULTS.md, "Import time").
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
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
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

/**
 * The parts the Node bundle loads at first use (src/wasi/on-demand.ts says which and why).
 *
 * Node pays per module file at import (read, compile, link: ~0.8 ms each here, more than
 * compiling 30 kB), so the entry points share as few chunks as esbuild's splitting allows:
 * only index.js and portable.js are split, which keeps one copy of every class whichever
 * entry (or both) an app loads, and index.js imports one shared chunk. The rest is built apart:
 * - on-demand.cjs: on-demand.ts and what only it reaches, as a CommonJS function that
 *   takes the modules it shares with the entry points from its caller (a `require` of its
 *   own), so it neither copies them nor splits the entries' chunks further. Wherever else
 *   on-demand.ts is imported, the build puts in its stead a facade: an object per namespace
 *   it re-exports, with that namespace's keys, each a getter that loads on-demand.cjs
 *   (synchronously, with Node's require) and returns the export. esbuild shapes its own
 *   namespace objects the same way (plain objects with enumerable, non-configurable
 *   getters), so only the time of loading changes.
 * - cli.js: the CLI's own modules, importing the rest from index.js (cliThroughIndex).
 * - guest-worker.js: the worker runner's script, one file; it runs in a thread of its own,
 *   with its own module instances anyway.
 */
const onDemandModule = "src/wasi/on-demand.ts";
const onDemandNamespaces = await readOnDemandNamespaces(onDemandModule);

/**
 * The facade of on-demand.ts. `shared` lists what on-demand.cjs takes from the entries'
 * chunks: per module (path from the root), the names it imports, or null for the module's
 * namespace.
 */
function onDemandFacade(shared) {
  const imports = shared.map(({ path, names }, i) =>
    names === null
      ? `import * as shared${i} from ${JSON.stringify(`./${path}`)};`
      : `import { ${names.map((name, j) => `${name} as shared${i}_${j}`).join(", ")} } from ${JSON.stringify(`./${path}`)};`,
  );
  const passed = shared.map(({ path, names }, i) =>
    names === null
      ? `${JSON.stringify(path)}: shared${i}`
      : `${JSON.stringify(path)}: { ${names.map((name, j) => `${name}: shared${i}_${j}`).join(", ")} }`,
  );
  return {
    name: "on-demand-facade",
    setup(build) {
      const modulePath = join(root, onDemandModule);
      build.onResolve({ filter: /\/on-demand\.js$/ }, (args) =>
        join(args.resolveDir, args.path.replace(/\.js$/, ".ts")) === modulePath
          ? { path: onDemandModule, namespace: "on-demand-facade" }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "on-demand-facade" }, () => ({
        // node:module is taken at the first load, not imported: importing it loads it (and
        // its source maps module) in every process, for what most runs never load.
        contents: `${imports.join("\n")}
const shared = { ${passed.join(", ")} };
let loaded;
const load = () =>
  (loaded ??= process.getBuiltinModule("node:module").createRequire(import.meta.url)("./on-demand.cjs")((path) => shared[path]));
function onDemand(namespace, names) {
  const object = {};
  for (const name of names) Object.defineProperty(object, name, { get: () => load()[namespace][name], enumerable: true });
  return object;
}
${onDemandNamespaces.map(({ name, exports }) => `export const ${name} = onDemand(${JSON.stringify(name)}, ${JSON.stringify(exports)});`).join("\n")}
`,
        loader: "js",
        resolveDir: root,
      }));
    },
  };
}

/**
 * Turns esbuild's ES module output of on-demand.ts, with its imports of shared modules and
 * its export clause at the end, into a CommonJS module exporting a function of
 * `require` (the caller's, which hands out the shared modules): each import becomes a
 * destructuring of what that `require` returns, the export clause the function's result.
 * Returns the module's text and what it imports (see onDemandFacade).
 */
function onDemandAsFunction(text) {
  const shared = [];
  const requires = [];
  // esbuild keeps each external import where its module's code begins; ES imports are hoisted, so they all move to the top.
  let body = text.replace(/(?<=^|[;}\n])import(?:\{([^}]*)\}|\*as ([\w$]+) ?)from"([^"]+)";/g, (_statement, named, namespace, path) => {
    if (namespace !== undefined) {
      shared.push({ path, names: null });
      requires.push(`const ${namespace}=require(${JSON.stringify(path)});`);
    } else {
      const pairs = named.split(",").map((item) => item.split(" as "));
      shared.push({ path, names: pairs.map(([name]) => name) });
      requires.push(
        `const{${pairs.map(([name, local = name]) => (local === name ? name : `${name}:${local}`)).join(",")}}=require(${JSON.stringify(path)});`,
      );
    }
    return "";
  });
  const exported = /export\{([^}]*)\};?\s*$/.exec(body);
  if (exported === null) throw new Error("on-demand.ts: esbuild's output has no export clause at the end");
  body = body.slice(0, exported.index);
  if (/(?:^|[;}\n])(?:import|export)[\s{*]/.test(body))
    throw new Error("on-demand.ts: esbuild's output has an import or export of a form not handled here");
  const result = exported[1].split(",").map((item) => {
    const [local, name = local] = item.split(" as ");
    return `${name}:${local}`;
  });
  const merged = new Map();
  for (const { path, names } of shared) {
    const before = merged.get(path);
    merged.set(path, names === null || before === null ? null : [...new Set([...(before ?? []), ...names])].sort());
  }
  return {
    text: `"use strict";module.exports=function(require){${requires.join("")}${body}return{${result.join(",")}}};\n`,
    shared: [...merged].map(([path, names]) => ({ path, names })).sort((x, y) => (x.path < y.path ? -1 : 1)),
  };
}

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
 * portable.js exports preview0Feature and tracingFeature; on Node they are the ones of
 * src/wasi/features-on-demand.ts (same names and types), so it loads preview0 and the traces
 * through on-demand.cjs as index.js does instead of carrying copies of them.
 */
const portableFeaturesOnDemand = {
  name: "portable-features-on-demand",
  setup(build) {
    build.onResolve({ filter: /^\.\/wasi\/features\.js$/ }, (args) =>
      args.importer === join(root, entries.portable) ? { path: join(root, "src/wasi/features-on-demand.ts") } : undefined,
    );
  },
};

const nodeBuild = {
  ...common,
  entryPoints: entries,
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  platform: "node",
  target: "node20",
  chunkNames: "shared-[hash]",
  metafile: true,
};
// The modules index.js loads at import: those on-demand.cjs takes from its caller.
const eager = await build({
  ...nodeBuild,
  entryPoints: { index: entries.index },
  plugins: [builtinsWithoutFacade, onDemandFacade([])],
  write: false,
});
const eagerModules = new Set(Object.keys(eager.metafile.inputs).filter((input) => input.startsWith("src/")));

for (const directory of ["dist/bundle", "dist/esm", "dist/cjs", "dist/src"])
  rmSync(join(root, directory), { recursive: true, force: true });

const onDemandBuild = await build({
  ...common,
  plugins: [builtinsWithoutFacade, externalModules("shared-with-entries", eagerModules, (source) => source)],
  entryPoints: [onDemandModule],
  outdir: "dist/bundle",
  bundle: true,
  write: false,
  metafile: true,
  platform: "node",
  target: "node20",
});
const onDemand = onDemandAsFunction(onDemandBuild.outputFiles[0].text);
const node = await build({ ...nodeBuild, plugins: [builtinsWithoutFacade, portableFeaturesOnDemand, onDemandFacade(onDemand.shared)] });
writeFileSync(join(root, "dist/bundle/on-demand.cjs"), onDemand.text);
// A module both in on-demand.cjs and in the entries' chunks would run as two copies.
const copied = Object.keys(onDemandBuild.metafile.inputs).filter((input) => input.startsWith("src/") && input in node.metafile.inputs);
if (copied.length > 0) throw new Error(`on-demand.cjs and the entry points would each carry ${copied.join(", ")}`);

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

// The worker runner starts guest-worker.js beside the bundle (src/worker/worker-script.ts).
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
const portableGraph = await build({
  ...common,
  plugins: [builtinsWithoutFacade],
  entryPoints: ["src/portable.ts"],
  bundle: true,
  write: false,
  metafile: true,
  outdir: "dist/esm",
  platform: "neutral",
});
const portableInputs = reachedModules(portableGraph.metafile, ["src/portable.ts"]);
const esmModules = { ...common, entryPoints: [...portableInputs], outdir: "dist/esm", outbase: "src", bundle: false, platform: "neutral" };
await build(esmModules);
// A module transpiled on its own cannot rename what it imports or exports, so for one made
// mostly of re-exports and export lists (preview0's types, the constant modules) minified
// identifiers only add an alias per name; such a module is kept with its own names when that
// packs smaller, which takes about 0.8 kB off the package.
const withOwnNames = await build({ ...esmModules, minify: false, minifyWhitespace: true, minifySyntax: true, write: false });
for (const file of withOwnNames.outputFiles) {
  if (gzipSync(file.contents).length < gzipSync(readFileSync(file.path)).length) writeFileSync(file.path, file.contents);
}

pruneDeclarations("dist/types", Object.keys(entries));
withoutComments(listFiles(join(root, "dist/types/generated/preview0")));
docsOfExportsOnly("dist/types", Object.keys(entries));
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

/**
 * The namespaces on-demand.ts re-exports: name and the names its module exports, read from
 * an esbuild build of that module (what the namespace holds in the bundle).
 */
async function readOnDemandNamespaces(file) {
  const statements = readFileSync(join(root, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("//"));
  const namespaces = [];
  for (const statement of statements) {
    const match = /^export \* as (\w+) from "(\.{1,2}\/[\w./-]+)\.js";$/.exec(statement);
    if (match === null) throw new Error(`${file}: only \`export * as name from "./module.js"\` lines belong here, not: ${statement}`);
    const input = posix.join(posix.dirname(file), `${match[2]}.ts`);
    const built = await build({
      ...common,
      plugins: [builtinsWithoutFacade],
      entryPoints: [input],
      bundle: true,
      write: false,
      metafile: true,
      outdir: "dist/bundle",
      platform: "node",
    });
    const output = Object.values(built.metafile.outputs).find((candidate) => candidate.entryPoint === input);
    namespaces.push({ name: match[1], exports: [...output.exports].sort() });
  }
  return namespaces;
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
 * Strips the comments from declaration files, printing them anew. Used for preview0's,
 * whose documentation repeats preview1's nearly word for word (the same witx docs), and
 * for the files docsOfExportsOnly leaves without any.
 */
function withoutComments(files) {
  const printer = ts.createPrinter({ removeComments: true });
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    writeFileSync(file, printer.printFile(source));
  }
}

/**
 * Keeps the doc comments an editor shows a user: those of the names the entry points
 * export (namespaces' members included) and of their types' public members, inherited
 * ones included (WASI's methods are documented on its base class). The rest is dropped:
 * module overviews, private and protected members, and the declarations that are there
 * only because an exported type mentions them (a platform's setup, the trace's
 * formatters, a pointer factory). Their comments speak to whoever changes the source,
 * which has them; the package carried ~9 kB of them.
 */
function docsOfExportsOnly(directory, entryNames) {
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
  const documented = new Set();
  // A variable's doc comment belongs to its statement (`export declare const x`).
  const document = (declaration) => {
    documented.add(declaration);
    if (ts.isVariableDeclaration(declaration)) documented.add(declaration.parent.parent);
  };
  // The tables generated beside each witx type (`errnoNames`, `rightsAll`, `filestatOffsets`) carry one
  // templated sentence each, which their names and types already say: 0.6 kB packed for 39 of them.
  const isGeneratedTable = (symbol) =>
    /(?:Names|All|Offsets)$/.test(symbol.name) &&
    (symbol.declarations ?? []).every((declaration) => /[\\/]generated[\\/]/.test(declaration.getSourceFile().fileName));
  const seen = new Set();
  const visit = (exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (seen.has(symbol)) return;
    seen.add(symbol);
    if (!isGeneratedTable(symbol)) for (const declaration of symbol.declarations ?? []) document(declaration);
    const members = [];
    if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))
      members.push(...checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)));
    if (symbol.flags & ts.SymbolFlags.Class) members.push(...checker.getPropertiesOfType(checker.getTypeOfSymbol(symbol)));
    for (const member of members) for (const declaration of member.declarations ?? []) document(declaration);
    if (symbol.flags & ts.SymbolFlags.Module) for (const member of checker.getExportsOfModule(symbol)) visit(member);
  };
  for (const file of entryFiles)
    for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)))) visit(exported);
  const hidden = (node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some(
      (modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword || modifier.kind === ts.SyntaxKind.ProtectedKeyword,
    );
  for (const file of listFiles(base)) {
    const source = program.getSourceFile(file.replaceAll("\\", "/")) ?? program.getSourceFile(file);
    if (source === undefined) throw new Error(`${file}: not reached from the entry points' declarations`);
    const text = source.text;
    // The doc comments that lead a kept node; every other one in the file goes. A comment
    // leads the outermost node starting where it ends, so it is judged once, by that node.
    const keptAt = new Set();
    const judged = new Set();
    const walk = (node, insideDocumented) => {
      const keeps = (insideDocumented || documented.has(node)) && !hidden(node);
      if (!judged.has(node.pos)) {
        judged.add(node.pos);
        if (keeps) for (const range of ts.getLeadingCommentRanges(text, node.pos) ?? []) keptAt.add(range.pos);
      }
      ts.forEachChild(node, (child) => walk(child, keeps));
    };
    ts.forEachChild(source, (child) => walk(child, false));
    const dropped = [];
    const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
    for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan())
      if (
        token === ts.SyntaxKind.MultiLineCommentTrivia &&
        scanner.getTokenText().startsWith("/**") &&
        !keptAt.has(scanner.getTokenStart())
      )
        dropped.push({ pos: scanner.getTokenStart(), end: scanner.getTokenEnd() });
    if (dropped.length === 0) continue;
    let kept = "";
    let from = 0;
    for (const range of dropped) {
      // The comment's own lines go with it: its indentation before, its line break after.
      let start = range.pos;
      while (start > from && (text[start - 1] === "\t" || text[start - 1] === " ")) start--;
      kept += text.slice(from, start);
      from = text[range.end] === "\n" ? range.end + 1 : range.end;
    }
    kept += text.slice(from);
    writeFileSync(file, kept);
    // A file left without comments is printed anew, as tsc would have without them (comments in parameter lists leave ragged lines).
    if (!kept.includes("/**")) withoutComments([file]);
  }
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
