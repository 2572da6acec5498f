/**
 * witx → TypeScript for one target: load and validate the model, lower every
 * function, and render the generated files. Pure: it returns file contents and
 * writes nothing, so `main` can compare instead of write (`--check`).
 */
import { join } from "node:path";
import { lowerFunction } from "./lowering.js";
import { loadWitx } from "./model/load.js";
import type { Document, Module } from "./model/types.js";
import { generatedHeader } from "./emit/header.js";
import { emitForward } from "./emit/forward-emitter.js";
import { emitGlue } from "./emit/glue-emitter.js";
import { emitHost } from "./emit/host-emitter.js";
import { hostView } from "./emit/host-view.js";
import { emitIndex } from "./emit/index-emitter.js";
import { createEmitProject, renderFile, type Statements } from "./emit/project.js";
import { emitTrace } from "./emit/trace-emitter.js";
import { emitTypes } from "./emit/types-emitter.js";
import { emitUnimplemented } from "./emit/unimplemented-emitter.js";
import type { Target } from "./targets.js";

export interface GeneratedFile {
  /** Path relative to the project root, with `/` separators. */
  readonly path: string;
  readonly text: string;
}

export function generateTarget(projectRoot: string, target: Target): GeneratedFile[] {
  const document = loadWitx(join(projectRoot, target.witx));
  return generateFromDocument(projectRoot, target, document);
}

export function generateFromDocument(projectRoot: string, target: Target, document: Document): GeneratedFile[] {
  const module = singleModule(document);
  const views = module.functions.map((func) => hostView(lowerFunction(func)));
  const project = createEmitProject();
  const header = (purpose: string) => generatedHeader(document.sources, projectRoot, purpose);
  const file = (name: string, purpose: string, build: (statements: Statements) => void): GeneratedFile => {
    const statements: Statements = [];
    build(statements);
    return { path: `${target.outDir}/${name}`, text: renderFile(project, `/${name}`, header(purpose), statements) };
  };
  return [
    file("types.ts", `Types of ${module.name}: constants, records, variants and their codecs.`, (source) => emitTypes(source, document.types)),
    file("host.ts", `The ${target.hostInterface} interface: one typed method per ${module.name} function.`, (source) =>
      emitHost(source, module, target.hostInterface, views),
    ),
    file("glue.ts", `The ${module.name} import object: argument decoding, pointer checks, result writing.`, (source) =>
      emitGlue(source, module, target, views),
    ),
    file("trace.ts", `Call tracing for ${module.name}: named, decoded arguments and results.`, (source) =>
      emitTrace(source, module, target, views),
    ),
    file("unimplemented.ts", `A ${target.hostInterface} that refuses every call: the empty starting point for partial hosts.`, (source) =>
      emitUnimplemented(source, target, views),
    ),
    file("forward.ts", `The worker runner's call channel for ${module.name}: guest-side forwarders and the host-side dispatcher.`, (source) =>
      emitForward(source, target, views),
    ),
    file("index.ts", `Entry point of the ${module.name} bindings.`, (source) => emitIndex(source, target)),
  ];
}

function singleModule(document: Document): Module {
  if (document.modules.length !== 1) {
    throw new Error(`expected exactly one module in the witx document, found ${document.modules.length}`);
  }
  return document.modules[0];
}
