/**
 * Emits `errno.ts`: the cases of the witx `errno` enum as one exported constant
 * each. types.ts has the same values as the `errno` object; host code that
 * imports this module as a namespace (`import * as errno from ".../errno.js"`)
 * gets each number put in place by a bundler, which cannot do that for an
 * object's properties, so a bundle carries no table of 77 names it never reads.
 */
import type { Type } from "../model/types.js";
import type { Target } from "../targets.js";
import type { EmitAbi, EmitModel, EmittedFile } from "./emitter.js";
import { isPlainIdentifier } from "./names.js";

export function emitErrno(_target: Target, model: EmitModel, _abi: EmitAbi): EmittedFile {
  const named = model.document.types.find((entry) => entry.name === "errno");
  if (named === undefined || named.type.kind !== "enum") throw new Error("the witx document has no `errno` enum");
  const type: Extract<Type, { kind: "enum" }> = named.type;
  // Each case's documentation is on the `errno` object in types.ts; not repeated here, to keep the package small.
  const lines = type.cases.map((entry, index) => {
    // A case name that is no identifier ("2big") is exported under its own name as a string.
    if (isPlainIdentifier(entry.name)) return `export const ${entry.name} = ${index};`;
    const local = `e${entry.name}`;
    return `const ${local} = ${index};\nexport { ${local} as ${JSON.stringify(entry.name)} };`;
  });
  return {
    name: "errno.ts",
    purpose: `The ${model.module.name} errno values, one constant each (the \`errno\` object of types.ts, inlinable).`,
    imports: [],
    declarations: lines,
  };
}
