/**
 * Emits `trace.ts`: a wrapper around a module's import object that reports each
 * call as a structured event (function, decoded arguments, decoded result,
 * duration); the runtime turns events into strace-like lines. Arguments and
 * results are decoded the same way: enums, flags and rights by name, strings
 * quoted, buffers summarised, and what a call wrote for the guest (read data,
 * a preopen's name, args and environment strings) shown after it succeeded.
 * It is generated from the same host view as the glue, so a new witx function
 * is traced without hand-written code; tracing off means the wrapper is simply
 * not used, which costs nothing. Each call is a line of data in the notation of
 * src/runtime/traced-imports.ts, whose one wrapper serves every call and both
 * versions: a function per call made each version's module 8 kB (21 kB of source).
 */
import { byteBufferFields } from "../abi/byte-buffers.js";
import type { HostArgument, HostView } from "../abi/host-view.js";
import type { TypeRef } from "../model/types.js";
import { resolve } from "../model/walk.js";
import type { Target } from "../targets.js";
import type { EmitAbi, EmitModel, EmittedFile } from "./emitter.js";
import { variableName } from "./names.js";
import { codecExpression } from "./ts-types.js";
import { wrapList } from "./wrap.js";

/** The column of the calls' entries, inside the `calls` object. */
const ENTRY_INDENT = 2;

export function emitTrace(target: Target, model: EmitModel, abi: EmitAbi): EmittedFile {
  const signature = wrapList(
    `export function trace${target.importsType}(`,
    [`imports: ${target.importsType}`, "memory: GuestMemory", "log: (event: TraceEvent) => void"],
    `: ${target.importsType} {`,
    0,
  );
  const fieldTables = new Map<string, string>();
  const entries = abi.views.map((view) => tracedCall(view, fieldTables));
  return {
    name: "trace.ts",
    purpose: `Call tracing for ${model.module.name}: named, decoded arguments and results.`,
    imports: [
      {
        from: "../../runtime/index.js",
        names: ["formatEnum", "formatFlags", "formatRights", "FieldFormatters", "GuestMemory", "TraceEvent"],
      },
      // Not through the runtime's index, which the Node bundle loads at import: the wrapper comes with the trace modules.
      { from: "../../runtime/traced-imports.js", names: ["traceImports", "TracedCall"] },
      { from: "./types.js", namespace: "t" },
      { from: "./glue.js", names: [target.importsType] },
    ],
    declarations: [
      ...fieldTables.values(),
      [
        "/** How each call is shown, in the notation of src/runtime/traced-imports.ts, and the tables it takes. */",
        `const calls: Record<keyof ${target.importsType}, TracedCall> = {`,
        ...entries,
        "};",
      ].join("\n"),
      [
        `/** Wraps \`imports\` so that every call and its outcome is passed to \`log\` as one event. */`,
        ...signature,
        "  return traceImports(imports, memory, log, calls, t.errnoNames);",
        "}",
      ].join("\n"),
    ],
  };
}

/** The entry of `calls` for one function: its notation, then the tables it names. */
function tracedCall(view: HostView, fieldTables: Map<string, string>): string {
  const core = view.lowered.params.map((param) => variableName(param.name));
  const at = (name: string) => {
    const index = core.indexOf(variableName(name));
    if (index === -1) throw new Error(`${view.name}: ${name} is not a core parameter`);
    return index;
  };
  const tables: string[] = [];
  const items = view.arguments.map((argument) => `${argument.param.name}=${argumentItem(argument, at, tables)}`);
  if (view.lowered.func.noreturn) items.unshift("!");
  else if (view.lowered.errorType === null)
    throw new Error(`${view.name}: the trace notation has no form for a function that returns without an errno`);
  else {
    const results = successItems(view, at, fieldTables, tables);
    if (results.length > 0) items.push("->", ...results);
  }
  const entry = [JSON.stringify(items.join(" ")), ...tables];
  return wrapList(`${view.name}: [`, entry, ",", ENTRY_INDENT)
    .map((line) => `${" ".repeat(ENTRY_INDENT)}${line}`)
    .join("\n");
}

/**
 * What a successful call gives back: each result read through its codec (fields
 * decoded by name), then what the call wrote into the guest's buffers.
 */
function successItems(view: HostView, at: (name: string) => number, fieldTables: Map<string, string>, tables: string[]): string[] {
  const outs = view.outs.map((out) => {
    const codec = codecExpression(out.type, "t.");
    if (codec === null) return `a${at(out.name)}`;
    tables.push(codec);
    const table = fieldTable(out.type, fieldTables);
    if (table === null) return `S${at(out.name)}`;
    tables.push(table);
    return `F${at(out.name)}`;
  });
  // The first result of a call that fills buffers is how many bytes it wrote (nread, bufused).
  const count = view.outs.length > 0 && isSize(view.outs[0].type) ? at(view.outs[0].name) : null;
  const written: string[] = [];
  for (const argument of view.arguments) {
    if (argument.kind === "buffers" && !isConstantBufferList(argument) && count !== null) {
      const { size, pointerOffset, lengthOffset } = argument.element;
      written.push(`D${[at(argument.pointer.name), at(argument.length.name), size, pointerOffset, lengthOffset, count].join(",")}`);
    } else if (argument.kind === "bytes") {
      const place = [at(argument.pointer.name), at(argument.length.name), ...(count === null ? [] : [count])];
      written.push(`${argument.param.name}=W${place.join(",")}`);
    }
  }
  // args_get/environ_get: a table of pointers to u8 strings, and the buffer they point into.
  const pointers = view.arguments.filter((argument) => argument.kind === "pointer");
  if (pointers.length === 2 && isPointerTo(pointers[0].param.type, "pointer") && isPointerTo(pointers[1].param.type, "builtin")) {
    const [table, buffer] = pointers.map((argument) => (argument.kind === "pointer" ? at(argument.abi.name) : -1));
    written.push(`T${table},${buffer}`);
  }
  return [...outs, ...written];
}

function isSize(ref: TypeRef): boolean {
  const type = resolve(ref);
  return type.kind === "builtin" && type.name === "u32";
}

function isPointerTo(ref: TypeRef, pointee: "pointer" | "builtin"): boolean {
  const type = resolve(ref);
  return type.kind === "pointer" && resolve(type.pointee).kind === pointee;
}

function isConstantBufferList(argument: Extract<HostArgument, { kind: "buffers" }>): boolean {
  const list = resolve(argument.param.type);
  const element = list.kind === "list" ? resolve(list.element) : list;
  return byteBufferFields(element)?.constant ?? false;
}

/** The decoder of an enum, flags or rights value of type `ref`, or null for other types. */
function namedDecoder(ref: TypeRef, value: string): string | null {
  if (ref.kind !== "named") return null;
  const type = resolve(ref);
  if (type.kind === "enum") return `formatEnum(t.${ref.name}Names, ${value})`;
  if (type.kind === "flags") return `${ref.name === "rights" ? "formatRights" : "formatFlags"}(t.${ref.name}Names, ${value})`;
  return null;
}

/**
 * The name of a module-level FieldFormatters table for results of type `ref`
 * (declared once per type into `fieldTables`), or null when nothing in it has a name to show.
 */
function fieldTable(ref: TypeRef, fieldTables: Map<string, string>): string | null {
  if (ref.kind !== "named") return null;
  const name = `${ref.name}Fields`;
  if (fieldTables.has(name)) return name;
  const entries = new Map<string, string>();
  const add = (key: string, fieldType: TypeRef | null) => {
    if (fieldType === null) return;
    const decoder = namedDecoder(fieldType, "value");
    if (decoder !== null) entries.set(key, decoder);
    const inner = resolve(fieldType);
    if (inner.kind === "record") for (const field of inner.fields) add(field.name, field.type);
  };
  const type = resolve(ref);
  const self = namedDecoder(ref, "value");
  if (self !== null) entries.set('""', self);
  if (type.kind === "record") for (const field of type.fields) add(field.name, field.type);
  if (type.kind === "variant") {
    add("tag", type.tagEnum);
    for (const variantCase of type.cases) add("value", variantCase.type);
  }
  if (entries.size === 0) return null;
  const lines = [...entries].map(([key, decoder]) => `  ${key}: (value) => ${decoder},`);
  fieldTables.set(
    name,
    [`/** How to show the named fields of a stored \`${ref.name}\`. */`, `const ${name}: FieldFormatters = {`, ...lines, `};`].join("\n"),
  );
  return name;
}

/** An argument's item in the notation, after its `name=`; the names table it takes goes into `tables`. */
function argumentItem(argument: HostArgument, at: (name: string) => number, tables: string[]): string {
  switch (argument.kind) {
    case "value": {
      const index = at(argument.abi.name);
      const ref = argument.param.type;
      const type = resolve(ref);
      if (ref.kind === "named" && (type.kind === "enum" || type.kind === "flags")) {
        tables.push(`t.${ref.name}Names`);
        return `${type.kind === "enum" ? "e" : ref.name === "rights" ? "r" : "f"}${index}`;
      }
      switch (argument.check.kind) {
        case "unsigned32":
          return `u${index}`;
        case "narrow":
          return `m${index},${argument.check.mask}`;
        case "unsigned64":
          return `U${index}`;
        default:
          return `d${index}`;
      }
    }
    case "string":
      return `s${at(argument.pointer.name)},${at(argument.length.name)}`;
    case "bytes":
      return `y${at(argument.pointer.name)},${at(argument.length.name)}`;
    case "buffers": {
      const { size, pointerOffset, lengthOffset } = argument.element;
      const constant = isConstantBufferList(argument) ? 1 : 0;
      return `b${[at(argument.pointer.name), at(argument.length.name), size, pointerOffset, lengthOffset, constant].join(",")}`;
    }
    case "records":
      return `l${at(argument.pointer.name)},${at(argument.length.name)}`;
    case "pointer":
      return `a${at(argument.abi.name)}`;
  }
}
