/**
 * What every emitter is: a function from one target, its validated model and its
 * ABI (lowered functions regrouped into host views) to one generated file, given
 * as declarations and the modules its names may come from. `render.ts` prints it.
 */
import type { HostView } from "../abi/host-view.js";
import type { SourceLocation } from "../reader/ast.js";
import type { Document, Module } from "../model/types.js";
import type { Target } from "../targets.js";
import type { ImportSource } from "./imports.js";
import type { Statements } from "./render.js";

export interface EmitModel {
  readonly document: Document;
  /** The document's one module. */
  readonly module: Module;
  /** `witx/preview1/wasi_snapshot_preview1.witx:42`: a source location as generated comments cite it. */
  readonly location: (loc: SourceLocation) => string;
  /** The types this target re-exports from another target's types module (Target.typesFrom), or null. */
  readonly sharedTypes: SharedTypes | null;
}

export interface SharedTypes {
  /** The other target's types module, as this target's files import it (`../preview1/types.js`). */
  readonly from: string;
  /** The typenames defined there alike, transitively (codegen/abi/shared-types.ts). */
  readonly names: ReadonlySet<string>;
  /** The other document's witx files, which a file re-exporting from it derives from too. */
  readonly sources: Document["sources"];
}

export interface EmitAbi {
  /** One per function of the module, in witx order. */
  readonly views: readonly HostView[];
}

export interface EmittedFile {
  /** File name inside the target's output folder. */
  readonly name: string;
  /** One line for the header: what the file holds. */
  readonly purpose: string;
  /** Where names used in `declarations` come from; only the ones used are imported. */
  readonly imports: readonly ImportSource[];
  /** Top-level declarations, printed with a blank line between each two. */
  readonly declarations: Statements;
  /** Witx files the file derives from besides its target's own (named in its header). */
  readonly alsoFrom?: Document["sources"];
}

export type Emitter = (target: Target, model: EmitModel, abi: EmitAbi) => EmittedFile;
