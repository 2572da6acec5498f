/**
 * Emits `types.ts` for one witx document: enums and flags as typed constants with
 * their names, branded handles, record interfaces, variant unions, and one codec per
 * stored type that reads and writes it at the offsets the layout computed. A type
 * another target defines alike (EmitModel.sharedTypes) is re-exported from that
 * target's types.ts under the same names instead.
 */
import { StructureKind } from "ts-morph";
import { layoutOf, recordLayout, variantLayout } from "../abi/layout.js";
import type { BuiltinName, Case, NamedType, Type, TypeRef } from "../model/types.js";
import { resolve } from "../model/walk.js";
import type { Target } from "../targets.js";
import type { EmitAbi, EmitModel, EmittedFile, SharedTypes } from "./emitter.js";
import { codecName, propertyKey, typeName, writerName } from "./names.js";
import type { Statements } from "./render.js";
import { codecExpression, dataViewAccess, tsType, tsTypeOf } from "./ts-types.js";
import { packList } from "./wrap.js";

const CODECS = ["u8Codec", "u16Codec", "u32Codec", "u64Codec", "s8Codec", "s16Codec", "s32Codec", "s64Codec", "f32Codec", "f64Codec"];

export function emitTypes(_target: Target, model: EmitModel, _abi: EmitAbi): EmittedFile {
  const file: Statements = [
    `/** A guest address, as stored inside records; host code receives typed views instead. */\nexport type GuestAddress = number;`,
  ];
  const shared = model.sharedTypes;
  const taken = model.document.types.filter((named) => shared?.names.has(named.name));
  if (shared !== null && taken.length > 0) file.push(reExports(taken, shared));
  for (const named of model.document.types) if (!taken.includes(named)) emitNamedType(file, named);
  const codecs = {
    from: "../../runtime/codec.js",
    names: ["Codec", "InvalidGuestValue", "checkEnum", "checkFlags", "checkFlags64", "setU64", ...CODECS],
  };
  // The types defined here may hold taken ones (a record of `filetype`s): those are imported too.
  const takenNames = taken.flatMap((named) => [...exportedNames(named).values, ...exportedNames(named).types]);
  return {
    name: "types.ts",
    purpose: `Types of ${model.module.name}: constants, records, variants and their codecs.`,
    imports: shared === null ? [codecs] : [codecs, { from: shared.from, names: takenNames }],
    declarations: file,
    alsoFrom: shared?.sources,
  };
}

/** `export { ... } from` the other target's types module, for the names every taken type has (exportedNames). */
function reExports(taken: readonly NamedType[], shared: SharedTypes): string {
  const values = taken.flatMap((named) => exportedNames(named).values);
  const types = taken.flatMap((named) => exportedNames(named).types);
  return [
    `/** Defined alike in ${shared.from}, the types they name included, so taken from there (${taken.length} types). */`,
    ...packList("export {", values, ` from ${JSON.stringify(shared.from)};`, 0),
    ...packList("export type {", types, ` from ${JSON.stringify(shared.from)};`, 0),
  ].join("\n");
}

/** The names emitNamedType exports for a type: values (constants, codecs, writers) and types. */
function exportedNames(named: NamedType): { values: string[]; types: string[] } {
  const name = named.name;
  const types = [typeName(name)];
  switch (named.type.kind) {
    case "enum":
      return { values: [name, `${name}Names`, codecName(name)], types };
    case "flags":
      return { values: [name, `${name}All`, `${name}Names`, codecName(name)], types };
    case "handle":
      return { values: [`as${typeName(name)}`, codecName(name)], types };
    case "record":
      return { values: [`${name}Offsets`, writerName(name), codecName(name)], types };
    case "variant":
      return { values: [writerName(name), codecName(name)], types };
    case "builtin":
      return { values: [codecName(name)], types };
    default:
      return { values: [], types };
  }
}

function emitNamedType(file: Statements, named: NamedType): void {
  const type = named.type;
  switch (type.kind) {
    case "enum":
      emitEnum(file, named, type);
      return;
    case "flags":
      emitFlags(file, named, type);
      return;
    case "handle":
      emitHandle(file, named);
      return;
    case "record":
      emitRecord(file, named, type);
      return;
    case "variant":
      emitVariant(file, named, type);
      return;
    case "builtin": {
      addAlias(file, named, tsTypeOf(type, ""));
      const codec = codecExpression({ kind: "inline", type }, "");
      file.push(`export const ${codecName(named.name)}: Codec<${typeName(named.name)}> = ${codec};`);
      return;
    }
    case "list":
    case "string":
    case "pointer":
    case "tuple":
      addAlias(file, named, tsTypeOf(type, ""));
      return;
    case "expected":
      throw new Error(`typename $${named.name}: an expected type cannot be emitted on its own`);
  }
}

function addAlias(file: Statements, named: NamedType, text: string): void {
  file.push({ kind: StructureKind.TypeAlias, name: typeName(named.name), type: text, isExported: true, docs: docsOf(named.doc) });
}

function docsOf(doc: string): string[] {
  return doc.trim() === "" ? [] : [doc.trim()];
}

function caseMembers(cases: readonly Case[], value: (index: number) => string): string {
  return cases.map((entry, index) => `${docComment(entry.doc)}  ${propertyKey(entry.name)}: ${value(index)},`).join("\n");
}

function docComment(doc: string): string {
  const text = doc.trim();
  if (text === "") return "";
  const lines = text.split("\n");
  if (lines.length === 1) return `  /** ${lines[0]} */\n`;
  return `  /**\n${lines.map((line) => `   * ${line}`.trimEnd()).join("\n")}\n   */\n`;
}

function namesArray(name: string, cases: readonly Case[]): string {
  const names = cases.map((entry) => JSON.stringify(entry.name));
  return packList(`export const ${name}Names: readonly string[] = [`, names, ";", 0).join("\n");
}

function emitEnum(file: Statements, named: NamedType, type: Extract<Type, { kind: "enum" }>): void {
  const wide = type.tag === "u64";
  const literal = (index: number) => (wide ? `${index}n` : `${index}`);
  const pascal = typeName(named.name);
  const access = dataViewAccess(type.tag);
  const le = access.littleEndian ? ", true" : "";
  file.push(
    `${jsDoc(named.doc)}export const ${named.name} = {\n${caseMembers(type.cases, literal)}\n} as const;`,
    `export type ${pascal} = (typeof ${named.name})[keyof typeof ${named.name}];`,
    `/** Case names of \`${named.name}\`, indexed by value. */\n${namesArray(named.name, type.cases)}`,
    `export const ${codecName(named.name)}: Codec<${pascal}> = {
  name: ${JSON.stringify(named.name)},
  size: ${layoutOf(named).size},
  align: ${layoutOf(named).align},
  read(view, offset) {
${
  wide
    ? `    const value = view.${access.get}(offset${le});
    if (value >= ${literal(type.cases.length)}) throw new InvalidGuestValue(${JSON.stringify(named.name)}, value);
    return value as ${pascal};`
    : `    return ${scalarRead(selfRef(named), "offset")};`
}
  },
  write(view, offset, value) {
    view.${access.set}(offset, value${le});
  },
};`,
  );
}

function emitFlags(file: Statements, named: NamedType, type: Extract<Type, { kind: "flags" }>): void {
  const wide = type.repr === "u64";
  const bit = (index: number) => (wide ? `${1n << BigInt(index)}n` : `${2 ** index}`);
  const mask = ((1n << BigInt(type.flags.length)) - 1n).toString(16);
  const all = wide ? `0x${mask}n` : `0x${mask}`;
  const pascal = typeName(named.name);
  const access = dataViewAccess(type.repr);
  const le = access.littleEndian ? ", true" : "";
  file.push(
    `${jsDoc(named.doc)}export const ${named.name} = {\n${caseMembers(type.flags, bit)}\n} as const;`,
    `/** A set of \`${named.name}\` bits. */\nexport type ${pascal} = ${wide ? "bigint" : "number"};`,
    `/** Every bit \`${named.name}\` defines; any other bit is invalid. */\nexport const ${named.name}All: ${pascal} = ${all};`,
    `/** Flag names of \`${named.name}\`, indexed by bit number. */\n${namesArray(named.name, type.flags)}`,
    `export const ${codecName(named.name)}: Codec<${pascal}> = {
  name: ${JSON.stringify(named.name)},
  size: ${layoutOf(named).size},
  align: ${layoutOf(named).align},
  read(view, offset) {
    return ${scalarRead(selfRef(named), "offset")};
  },
  write(view, offset, value) {
    view.${access.set}(offset, value${le});
  },
};`,
  );
}

function emitHandle(file: Statements, named: NamedType): void {
  const pascal = typeName(named.name);
  file.push(
    `declare const ${named.name}Brand: unique symbol;`,
    `${jsDoc(named.doc)}export type ${pascal} = number & { readonly [${named.name}Brand]: true };`,
    `/** Marks a number as a \`${named.name}\` handle, for host code that hands out new ones. */\nexport function as${pascal}(value: number): ${pascal} {\n  return value as ${pascal};\n}`,
    `export const ${codecName(named.name)}: Codec<${pascal}> = {
  name: ${JSON.stringify(named.name)},
  size: 4,
  align: 4,
  read: (view, offset) => view.getUint32(offset, true) as ${pascal},
  write: (view, offset, value) => view.setUint32(offset, value, true),
};`,
  );
}

/** A named type as a reference to itself, for its own codec. */
function selfRef(named: NamedType): TypeRef {
  return { kind: "named", name: named.name, target: named };
}

/** `"offset + 8"` → `"offset + 8, true"` for a little-endian access. */
function accessArguments(repr: BuiltinName, at: string): string {
  return dataViewAccess(repr).littleEndian ? `${at}, true` : at;
}

/**
 * The read of a scalar stored in place, written out instead of calling its
 * codec: numbers, pointers, handles, and enum and flags values checked by the
 * runtime's checkEnum/checkFlags. A record's codec then reaches no other codec
 * for its scalar fields, so a bundle keeps only the codecs it calls. Null for
 * what is no such scalar (records, variants, 64-bit enums).
 */
function scalarRead(ref: TypeRef, at: string): string | null {
  const type = resolve(ref);
  const cast = ref.kind === "named" ? ` as ${typeName(ref.name)}` : "";
  switch (type.kind) {
    case "pointer":
      return `view.getUint32(${at}, true)`;
    case "handle":
      return `view.getUint32(${at}, true)${cast}`;
    case "builtin":
      return `view.${dataViewAccess(type.name).get}(${accessArguments(type.name, at)})`;
    case "enum": {
      if (type.tag === "u64") return null;
      const read = `view.${dataViewAccess(type.tag).get}(${accessArguments(type.tag, at)})`;
      return `checkEnum(${read}, ${type.cases.length}, ${JSON.stringify(ref.kind === "named" ? ref.name : type.tag)})${cast}`;
    }
    case "flags": {
      const read = `view.${dataViewAccess(type.repr).get}(${accessArguments(type.repr, at)})`;
      const mask = ((1n << BigInt(type.flags.length)) - 1n).toString(16);
      const name = JSON.stringify(ref.kind === "named" ? ref.name : type.repr);
      return type.repr === "u64" ? `checkFlags64(${read}, 0x${mask}n, ${name})` : `checkFlags(${read}, 0x${mask}, ${name})`;
    }
    default:
      return null;
  }
}

/** `view.setUint16(at, value, true);`: a store of `repr` in place. */
function storeStatement(repr: BuiltinName, at: string, value: string): string {
  if (repr === "u64") return `setU64(view, ${at}, ${value});`;
  return `view.${dataViewAccess(repr).set}(${at}, ${value}${dataViewAccess(repr).littleEndian ? ", true" : ""});`;
}

/** The write of a scalar stored in place (see scalarRead); null for what is no such scalar. */
function scalarWrite(ref: TypeRef, at: string, value: string): string | null {
  const type = resolve(ref);
  switch (type.kind) {
    case "pointer":
    case "handle":
      return storeStatement("u32", at, value);
    case "builtin":
      return storeStatement(type.name, at, value);
    case "enum":
      return storeStatement(type.tag, at, value);
    case "flags":
      return storeStatement(type.repr, at, value);
    default:
      return null;
  }
}

/** Expression reading a value of `ref` at `at`, for record and variant codecs. */
function readExpression(ref: TypeRef, at: string): string {
  const type = resolve(ref);
  const scalar = scalarRead(ref, at);
  if (scalar !== null) return scalar;
  const codec = codecExpression(ref, "");
  if (codec === null) throw new Error(`cannot store a ${type.kind} inside a record`);
  return `${codec}.read(view, ${at})`;
}

function writeStatement(ref: TypeRef, at: string, value: string): string {
  const type = resolve(ref);
  const scalar = scalarWrite(ref, at, value);
  if (scalar !== null) return scalar;
  if (ref.kind === "named" && (type.kind === "record" || type.kind === "variant")) return `${writerName(ref.name)}(view, ${at}, ${value});`;
  const codec = codecExpression(ref, "");
  if (codec === null) throw new Error(`cannot store a ${type.kind} inside a record`);
  return `${codec}.write(view, ${at}, ${value});`;
}

function plus(offset: number): string {
  return offset === 0 ? "offset" : `offset + ${offset}`;
}

function emitRecord(file: Statements, named: NamedType, type: Extract<Type, { kind: "record" }>): void {
  const pascal = typeName(named.name);
  const layout = recordLayout(named);
  file.push({
    kind: StructureKind.Interface,
    name: pascal,
    isExported: true,
    docs: docsOf(named.doc),
    properties: type.fields.map((field) => ({ name: propertyKey(field.name), type: tsType(field.type, ""), docs: docsOf(field.doc) })),
  });
  const offsets = type.fields.map((field, index) => `  ${propertyKey(field.name)}: ${layout.fields[index].offset},`).join("\n");
  const reads = type.fields
    .map((field, index) => `      ${propertyKey(field.name)}: ${readExpression(field.type, plus(layout.fields[index].offset))},`)
    .join("\n");
  const writes = type.fields
    .map((field, index) => `    ${writeStatement(field.type, plus(layout.fields[index].offset), `value.${field.name}`)}`)
    .join("\n");
  file.push(
    `/** Byte offset of each field of \`${named.name}\` (size ${layout.size}, alignment ${layout.align}). */\nexport const ${named.name}Offsets = {\n${offsets}\n} as const;`,
    writerFunction(named, `${writes}`),
    `export const ${codecName(named.name)}: Codec<${pascal}> = {
  name: ${JSON.stringify(named.name)},
  size: ${layout.size},
  align: ${layout.align},
  read(view, offset) {
    return {
${reads}
    };
  },
  write: ${writerName(named.name)},
};`,
  );
}

/**
 * A record's or variant's write as a function of its own, which its codec and
 * the glue call: a bundle that only writes the type (a result) leaves the read
 * out. `body` is indented for a method; the function's is two columns less.
 */
function writerFunction(named: NamedType, body: string): string {
  return `/** Writes a \`${named.name}\` at \`offset\`, which the caller has checked. */
export function ${writerName(named.name)}(view: DataView, offset: number, value: ${typeName(named.name)}): void {
${body
  .split("\n")
  .map((line) => line.replace(/^ {2}/, ""))
  .join("\n")}
}`;
}

function emitVariant(file: Statements, named: NamedType, type: Extract<Type, { kind: "variant" }>): void {
  const pascal = typeName(named.name);
  const layout = variantLayout(named);
  const tagAccess = dataViewAccess(type.tag);
  const le = tagAccess.littleEndian ? ", true" : "";
  const tagEnum = type.tagEnum && type.tagEnum.kind === "named" ? type.tagEnum.name : null;
  const tagLiteral = (index: number) =>
    tagEnum
      ? `typeof ${tagEnum}${/^[A-Za-z_$][\w$]*$/.test(type.cases[index].name) ? `.${type.cases[index].name}` : `[${JSON.stringify(type.cases[index].name)}]`}`
      : `${index}`;
  const members = type.cases.map((entry, index) =>
    entry.type === null
      ? `{ readonly tag: ${tagLiteral(index)} }`
      : `{ readonly tag: ${tagLiteral(index)}; readonly value: ${tsType(entry.type, "")} }`,
  );
  const union = members.length === 1 ? ` ${members[0]};` : `\n${members.map((member) => `  | ${member}`).join("\n")};`;
  file.push(`${jsDoc(named.doc)}export type ${pascal} =${union}`);
  const payload = plus(layout.payloadOffset);
  const readCases = type.cases
    .map((entry, index) =>
      entry.type === null
        ? `      case ${index}:\n        return { tag: ${index} };`
        : `      case ${index}:\n        return { tag: ${index}, value: ${readExpression(entry.type, payload)} };`,
    )
    .join("\n");
  const writeCases = type.cases
    .filter((entry) => entry.type !== null)
    .map((entry) => {
      const index = type.cases.indexOf(entry);
      return `      case ${index}:\n        ${writeStatement(entry.type as TypeRef, payload, "value.value")}\n        break;`;
    })
    .join("\n");
  file.push(
    writerFunction(named, `    view.${tagAccess.set}(offset, value.tag${le});\n    switch (value.tag) {\n${writeCases}\n    }`),
    `export const ${codecName(named.name)}: Codec<${pascal}> = {
  name: ${JSON.stringify(named.name)},
  size: ${layout.size},
  align: ${layout.align},
  read(view, offset) {
    const tag = view.${tagAccess.get}(offset${le});
    switch (tag) {
${readCases}
      default:
        throw new InvalidGuestValue(${JSON.stringify(named.name)}, tag);
    }
  },
  write: ${writerName(named.name)},
};`,
  );
}

function jsDoc(doc: string): string {
  const text = doc.trim();
  if (text === "") return "";
  const lines = text.split("\n");
  return `/**\n${lines.map((line) => ` * ${line}`.trimEnd()).join("\n")}\n */\n`;
}
