/** Emits `index.ts`, the entry point that re-exports one target's bindings. */
import type { Target } from "../targets.js";
import type { EmitAbi, EmitModel, EmittedFile } from "./emitter.js";

export function emitIndex(target: Target, model: EmitModel, _abi: EmitAbi): EmittedFile {
  return {
    name: "index.ts",
    purpose: `Entry point of the ${model.module.name} bindings.`,
    imports: [],
    declarations: [
      [
        `export * as types from "./types.js";`,
        `export type { ${target.hostInterface} } from "./host.js";`,
        `export { ${target.factory}, moduleName } from "./glue.js";`,
        `export type { ${target.importsType} } from "./glue.js";`,
        `export { trace${target.importsType} } from "./trace.js";`,
        `export { unimplemented${target.hostInterface} } from "./unimplemented.js";`,
      ].join("\n"),
    ],
  };
}
