/** Emits `index.ts`, the entry point that re-exports one target's bindings. */
import type { SourceFile } from "ts-morph";
import type { Target } from "../targets.js";

export function emitIndex(file: SourceFile, target: Target): void {
  file.addStatements([
    `export * as types from "./types.js";`,
    `export type { ${target.hostInterface} } from "./host.js";`,
    `export { ${target.factory}, moduleName } from "./glue.js";`,
    `export type { ${target.importsType} } from "./glue.js";`,
  ]);
}
