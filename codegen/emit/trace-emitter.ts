/**
 * Emits `trace.ts`: a wrapper around a module's import object that reports each
 * call as a structured event (function, decoded arguments, decoded result,
 * duration); the runtime turns events into strace-like lines. Arguments and
 * results are decoded the same way: enums, flags and rights by name, strings
 * quoted, buffers summarised, and what a call wrote for the guest (read data,
 * a preopen's name, args and environment strings) shown after it succeeded.
 * It is generated from the same host view as the glue, so a new witx function
 * is traced without hand-written code; tracing off means the wrapper is simply
 * not used, which costs nothing.
 */
import { byteBufferFields } from "../abi/byte-buffers.js";
import type { HostArgument, HostView } from "../abi/host-view.js";
import type { TypeRef } from "../model/types.js";
import { resolve } from "../model/walk.js";
import type { Target } from "../targets.js";
import type { EmitAbi, EmitModel, EmittedFile } from "./emitter.js";
import { variableName } from "./names.js";
import { codecExpression } from "./ts-types.js";
import { MAX_LINE } from "./render.js";
import { indentLines, wrapList } from "./wrap.js";

const FORMATTERS = [
  "formatAddress",
  "formatBufferList",
  "formatByteRange",
  "formatEnum",
  "formatFlags",
  "formatReceived",
  "formatRights",
  "formatStored",
  "formatString",
  "formatStringTable",
  "formatWritten",
  "traceCall",
];

/** Columns of a traced function's statements: inside the wrapper, the returned object, the method. */
const BODY_INDENT = 6;

export function emitTrace(target: Target, model: EmitModel, abi: EmitAbi): EmittedFile {
  const signature = wrapList(
    `export function trace${target.importsType}(`,
    [`imports: ${target.importsType}`, "memory: GuestMemory", "log: (event: TraceEvent) => void"],
    `: ${target.importsType} {`,
    0,
  );
  const fieldTables = new Map<string, string>();
  const functions = abi.views.map((view) => tracedFunction(view, fieldTables));
  return {
    name: "trace.ts",
    purpose: `Call tracing for ${model.module.name}: named, decoded arguments and results.`,
    imports: [
      {
        from: "../../runtime/index.js",
        names: [...FORMATTERS, "FieldFormatters", "GuestMemory", "TraceEvent", "u8Codec", "u16Codec", "u32Codec", "u64Codec"],
      },
      { from: "./types.js", namespace: "t" },
      { from: "./glue.js", names: [target.importsType] },
    ],
    declarations: [
      ...fieldTables.values(),
      [
        `/** Wraps \`imports\` so that every call and its outcome is passed to \`log\` as one event. */`,
        ...signature,
        `  return {`,
        functions.join("\n\n"),
        `  };`,
        `}`,
      ].join("\n"),
    ],
  };
}

function tracedFunction(view: HostView, fieldTables: Map<string, string>): string {
  const params = view.lowered.params.map((param) => `${variableName(param.name)}: ${param.core === "i64" ? "bigint" : "number"}`);
  const args = view.lowered.params.map((param) => variableName(param.name));
  const described = view.arguments.map((argument) => `${argument.param.name}: ${describeArgument(argument)}`);
  const lines = wrapList("const args = {", described, ";", BODY_INDENT);
  if (view.lowered.func.noreturn) {
    // Logged before the call, which does not come back.
    lines.push(
      ...wrapList(
        "log({",
        [`function: "${view.name}"`, "arguments: args", "result: null", "threw: false", "duration: 0"],
        ");",
        BODY_INDENT,
      ),
      ...wrapList(`return imports.${view.name}(`, args, ";", BODY_INDENT),
    );
  } else {
    const results = view.lowered.errorType === null ? null : successValues(view, fieldTables);
    lines.push(...traceCallLines(view.name, args, results === null ? "null" : "t.errnoNames", results ?? []));
  }
  const result = view.lowered.func.noreturn ? "never" : view.lowered.results.length === 0 ? "void" : "number";
  const signature = wrapList(`${view.name}(`, params, `: ${result} {`, 4);
  return [...indentLines(signature, 4), ...indentLines(lines, BODY_INDENT), `    },`].join("\n");
}

/** `return traceCall(...)` for import `name`, with the decoders of a successful call's results last, one per line. */
function traceCallLines(name: string, args: readonly string[], errnoNames: string, results: readonly string[]): string[] {
  const traced = ["log", `"${name}"`, "args", `() => imports.${name}(${args.join(", ")})`, errnoNames];
  const decoded = results.map((value) => `${value},`);
  const head = `return traceCall(${traced.join(", ")}${results.length === 0 ? ");" : ", () => ["}`;
  if (BODY_INDENT + head.length <= MAX_LINE) return results.length === 0 ? [head] : [head, ...indentLines(decoded, 2), "]);"];
  return [
    "return traceCall(",
    ...indentLines(["log,", `"${name}",`, "args,"], 2),
    ...indentLines(wrapList(`() => imports.${name}(`, args, ",", BODY_INDENT + 2), 2),
    `  ${errnoNames},`,
    ...(results.length === 0 ? [] : ["  () => [", ...indentLines(decoded, 4), "  ],"]),
    ");",
  ];
}

/**
 * What a successful call gives back, decoded: each result read through its codec
 * (fields decoded by name), then what the call wrote into the guest's buffers.
 */
function successValues(view: HostView, fieldTables: Map<string, string>): string[] {
  const outs = view.outs.map((out) => {
    const codec = codecExpression(out.type, "t.");
    if (codec === null) return `formatAddress(${variableName(out.name)})`;
    const table = fieldTable(out.type, fieldTables);
    return `formatStored(memory, ${codec}, ${variableName(out.name)}${table === null ? "" : `, ${table}`})`;
  });
  // The first result of a call that fills buffers is how many bytes it wrote (nread, bufused).
  const count = view.outs.length > 0 && isSize(view.outs[0].type) ? variableName(view.outs[0].name) : null;
  const written: string[] = [];
  for (const argument of view.arguments) {
    if (argument.kind === "buffers" && !isConstantBufferList(argument) && count !== null) {
      const { size, pointerOffset, lengthOffset } = argument.element;
      const place = `${variableName(argument.pointer.name)}, ${variableName(argument.length.name)}`;
      written.push(`\`data \${formatReceived(memory, ${place}, ${size}, ${pointerOffset}, ${lengthOffset}, ${count})}\``);
    } else if (argument.kind === "bytes") {
      const place = `${variableName(argument.pointer.name)}, ${variableName(argument.length.name)}`;
      written.push(`\`${argument.param.name} \${formatWritten(memory, ${place}${count === null ? "" : `, ${count}`})}\``);
    }
  }
  // args_get/environ_get: a table of pointers to u8 strings, and the buffer they point into.
  const pointers = view.arguments.filter((argument) => argument.kind === "pointer");
  if (pointers.length === 2 && isPointerTo(pointers[0].param.type, "pointer") && isPointerTo(pointers[1].param.type, "builtin")) {
    const [table, buffer] = pointers.map((argument) => (argument.kind === "pointer" ? variableName(argument.abi.name) : ""));
    written.push(`formatStringTable(memory, ${table}, ${buffer})`);
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

function describeArgument(argument: HostArgument): string {
  switch (argument.kind) {
    case "value": {
      const name = variableName(argument.abi.name);
      const ref = argument.param.type;
      const type = resolve(ref);
      const decoder = ref.kind === "named" && (type.kind === "enum" || type.kind === "flags") ? namedDecoder(ref, name) : null;
      if (decoder !== null) return decoder;
      switch (argument.check.kind) {
        case "unsigned32":
          return `String(${name} >>> 0)`;
        case "narrow":
          return `String(${name} & 0x${argument.check.mask.toString(16)})`;
        case "unsigned64":
          return `String(BigInt.asUintN(64, ${name}))`;
        default:
          return `String(${name})`;
      }
    }
    case "string":
      return `formatString(memory, ${variableName(argument.pointer.name)}, ${variableName(argument.length.name)})`;
    case "bytes":
      return `formatByteRange(${variableName(argument.pointer.name)}, ${variableName(argument.length.name)})`;
    case "buffers": {
      const constant = isConstantBufferList(argument);
      const { size, pointerOffset, lengthOffset } = argument.element;
      const pointer = variableName(argument.pointer.name);
      const length = variableName(argument.length.name);
      return `formatBufferList(memory, ${pointer}, ${length}, ${size}, ${pointerOffset}, ${lengthOffset}, ${constant})`;
    }
    case "records":
      return `\`\${formatAddress(${variableName(argument.pointer.name)})}[\${${variableName(argument.length.name)} >>> 0}]\``;
    case "pointer":
      return `formatAddress(${variableName(argument.abi.name)})`;
  }
}
