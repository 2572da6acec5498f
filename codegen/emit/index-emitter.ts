/** Emits `index.ts`, the entry point that re-exports one target's bindings. */
import type { Statements } from "./project.js";
import type { Target } from "../targets.js";

export function emitIndex(file: Statements, target: Target): void {
  file.push(
    `export * as types from "./types.js";`,
    `export type { ${target.hostInterface} } from "./host.js";`,
    `export { ${target.factory}, moduleName } from "./glue.js";`,
    `export type { ${target.importsType} } from "./glue.js";`,
    `export { trace${target.importsType} } from "./trace.js";`,
    `export { unimplemented${target.hostInterface} } from "./unimplemented.js";`,
  );
}
