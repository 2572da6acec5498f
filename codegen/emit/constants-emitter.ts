/**
 * Emits `<name>.ts` for an enum or flags type the host code reads often
 * (Target.constantModules): its cases as one exported constant each. types.ts
 * has the same values as an object; host code that imports this module as a
 * namespace (`import * as errno from ".../errno.js"`) gets each number put in
 * place by a bundler, which cannot do that for an object's properties, so a
 * bundle carries no table of names it never reads.
 *
 * 64-bit flags whose bits all lie below 2^53 (`rights`: 30 bits) are given as
 * numbers, so host code tests them with one integer `&` and no BigInt.
 */
import type { Target } from "../targets.js";
import type { EmitAbi, EmitModel, Emitter, EmittedFile } from "./emitter.js";
import { isPlainIdentifier } from "./names.js";

export function constantsEmitter(typeName: string): Emitter {
  return (_target: Target, model: EmitModel, _abi: EmitAbi): EmittedFile => {
    const named = model.document.types.find((entry) => entry.name === typeName);
    const type = named?.type;
    if (type?.kind !== "enum" && type?.kind !== "flags") throw new Error(`the witx document has no enum or flags type \`${typeName}\``);
    if (type.kind === "enum" && type.tag === "u64") throw new Error(`${typeName}: a 64-bit enum has no number constants`);
    if (type.kind === "flags" && type.flags.length > 53) throw new Error(`${typeName}: bits past 2^53 do not fit a number`);
    const cases = type.kind === "enum" ? type.cases : type.flags;
    const value = (index: number) => (type.kind === "enum" ? index : 2 ** index);
    // Each case's documentation is on the object in types.ts; not repeated here, to keep the package small.
    const lines = cases.map((entry, index) => {
      // A case name that is no identifier ("2big") is exported under its own name as a string.
      if (isPlainIdentifier(entry.name)) return `export const ${entry.name} = ${value(index)};`;
      const local = `${typeName}_${entry.name}`;
      return `const ${local} = ${value(index)};\nexport { ${local} as ${JSON.stringify(entry.name)} };`;
    });
    const numbers = type.kind === "flags" && type.repr === "u64" ? ", as numbers" : "";
    return {
      name: `${typeName}.ts`,
      purpose: `The ${model.module.name} \`${typeName}\` values${numbers}, one constant each (the object of types.ts, inlinable).`,
      imports: [],
      declarations: lines,
    };
  };
}
