/**
 * witx → TypeScript for one target. Pure: it returns file contents and writes
 * nothing, so `main` can compare instead of write (`--check`).
 *
 * The stages, in the order the data flows; each imports only from the ones above it.
 *
 * reader/   text → s-expressions
 *   ast.ts              the s-expression tree and source locations
 *   errors.ts           WitxError: a failure located in a witx file
 *   scanner.ts          characters of one file, with positions
 *   lexer.ts            tokens: parentheses, keywords, $identifiers, strings, annotations
 *   string-literal.ts   string literals and their escapes
 *   number-literal.ts   number literals
 *   sexpr.ts            tokens → s-expressions, with doc comments attached
 * model/    s-expressions → the validated witx model
 *   types.ts            the model: typenames, types, modules, functions
 *   forms.ts            readers for the shapes of witx forms
 *   build-types.ts      type expressions → Types and TypeRefs
 *   build-module.ts     `(module ...)` → Module
 *   build.ts            a document's files → the model, names resolved
 *   source-map.ts       where each model object was written
 *   walk.ts             resolve() and walks over the type graph
 *   abi-class.ts        which types the wasm32 C ABI can pass, and how (validation and lowering share it)
 *   validate.ts         the rules a model must satisfy before layout and lowering read it
 *   load.ts             read a witx file and what it uses, build, validate
 * abi/      the model → core-wasm signatures and memory layout
 *   layout.ts           memory layout of types (the wasm32 C ABI of wasi-libc)
 *   lowering-types.ts   the core-wasm shape of a function
 *   lowering.ts         witx functions → core-wasm parameters and results
 *   byte-buffers.ts     the byte-buffer shapes the host sees as Uint8Array
 *   host-view.ts        lowered parameters regrouped into what a host method receives
 *   describe.ts         a canonical description of a document (for comparing models)
 *   shared-types.ts     the typenames two documents define alike (preview0 re-exports preview1's)
 * emit/     model and ABI → TypeScript files, one emitter per file
 *   emitter.ts          the one signature every emitter has
 *   names.ts            witx names → TypeScript names
 *   ts-types.ts         the TypeScript spelling of witx types, and their codecs
 *   host-signatures.ts  the TypeScript spelling of a host view
 *   wrap.ts             line layout: lists and guards within the line length
 *   imports.ts          import declarations computed from the names a file uses
 *   render.ts           header, imports and declarations → file text
 *   header.ts           the "generated from" header with the witx files' sha256
 *   types-emitter.ts    types.ts: constants, records, variants, codecs
 *   constants-emitter.ts  errno.ts, rights.ts, signal.ts: values as constants a bundler inlines
 *   host-emitter.ts     host.ts: the host interface
 *   glue-emitter.ts     glue.ts: the checked import object
 *   trace-emitter.ts    trace.ts: strace-like call logging
 *   unimplemented-emitter.ts   unimplemented.ts: the host that refuses every call
 *   forward-emitter.ts  forward.ts: the worker runner's call channel (forwarders, dispatcher)
 *   index-emitter.ts    index.ts: the target's entry point
 * targets.ts  which witx modules are generated, and their names
 * main.ts     `npm run codegen` (and `-- --check`)
 * tools/compare-witx-tokens.ts   maintainer check: our witx/ defines what upstream's does
 */
import { join, posix, relative } from "node:path";
import { hostView } from "./abi/host-view.js";
import { lowerFunction } from "./abi/lowering.js";
import { sharedTypeNames } from "./abi/shared-types.js";
import type { EmitAbi, EmitModel, Emitter, SharedTypes } from "./emit/emitter.js";
import { constantsEmitter } from "./emit/constants-emitter.js";
import { emitForward } from "./emit/forward-emitter.js";
import { emitGlue } from "./emit/glue-emitter.js";
import { generatedHeader } from "./emit/header.js";
import { emitHost } from "./emit/host-emitter.js";
import { emitIndex } from "./emit/index-emitter.js";
import { createEmitProject, renderFile } from "./emit/render.js";
import { emitTrace } from "./emit/trace-emitter.js";
import { emitTypes } from "./emit/types-emitter.js";
import { emitUnimplemented } from "./emit/unimplemented-emitter.js";
import { loadWitx } from "./model/load.js";
import type { Document, Module } from "./model/types.js";
import type { Target } from "./targets.js";

export interface GeneratedFile {
  /** Path relative to the project root, with `/` separators. */
  readonly path: string;
  readonly text: string;
}

/** The files of a target, in the order they are written. */
const emitters: readonly Emitter[] = [emitTypes, emitHost, emitGlue, emitTrace, emitUnimplemented, emitForward, emitIndex];

export function generateTarget(projectRoot: string, target: Target): GeneratedFile[] {
  const document = loadWitx(join(projectRoot, target.witx));
  const typesFrom = target.typesFrom === undefined ? null : loadWitx(join(projectRoot, target.typesFrom.witx));
  return generateFromDocument(projectRoot, target, document, typesFrom);
}

/** `typesFrom`: the document of `target.typesFrom`, whose types `target` may re-export; null when it has none. */
export function generateFromDocument(
  projectRoot: string,
  target: Target,
  document: Document,
  typesFrom: Document | null = null,
): GeneratedFile[] {
  const model: EmitModel = {
    document,
    module: singleModule(document),
    location: (loc) => `${relative(projectRoot, loc.file).split("\\").join("/")}:${loc.line}`,
    sharedTypes: sharedTypes(target, document, typesFrom),
  };
  const abi: EmitAbi = { views: model.module.functions.map((func) => hostView(lowerFunction(func))) };
  const project = createEmitProject();
  const constants = (target.constantModules ?? []).map(constantsEmitter);
  return [emitters[0], ...constants, ...emitters.slice(1)].map((emit) => {
    const file = emit(target, model, abi);
    const header = generatedHeader([...document.sources, ...(file.alsoFrom ?? [])], projectRoot, file.purpose);
    return { path: `${target.outDir}/${file.name}`, text: renderFile(project, file, header) };
  });
}

function sharedTypes(target: Target, document: Document, typesFrom: Document | null): SharedTypes | null {
  if (target.typesFrom === undefined) return null;
  if (typesFrom === null) throw new Error(`${target.outDir} takes types from ${target.typesFrom.outDir}: give its witx document`);
  const folder = posix.relative(target.outDir, target.typesFrom.outDir);
  return {
    from: `${folder.startsWith(".") ? folder : `./${folder}`}/types.js`,
    names: new Set(sharedTypeNames(document, typesFrom)),
    sources: typesFrom.sources,
  };
}

function singleModule(document: Document): Module {
  if (document.modules.length !== 1) {
    throw new Error(`expected exactly one module in the witx document, found ${document.modules.length}`);
  }
  return document.modules[0];
}
