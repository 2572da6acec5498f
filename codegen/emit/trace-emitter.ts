/**
 * Emits `trace.ts`: a wrapper around a module's import object that logs each call
 * like strace, with named arguments, flags and errnos by name, strings decoded and
 * buffers summarised. It is generated from the same host view as the glue, so a new
 * witx function is traced without hand-written code; tracing off means the wrapper
 * is simply not used, which costs nothing.
 */
import { byteBufferFields } from "../abi/byte-buffers.js";
import type { HostArgument, HostView } from "../abi/host-view.js";
import { resolve } from "../model/walk.js";
import type { Target } from "../targets.js";
import type { EmitAbi, EmitModel, EmittedFile } from "./emitter.js";
import { variableName } from "./names.js";
import { MAX_LINE } from "./render.js";
import { codecExpression } from "./ts-types.js";
import { indentLines, wrapList } from "./wrap.js";

const FORMATTERS = [
  "describeThrow",
  "formatAddress",
  "formatBufferList",
  "formatByteRange",
  "formatEnum",
  "formatFlags",
  "formatStored",
  "formatString",
];

/** Columns of a traced function's statements: inside the wrapper, the returned object, the method. */
const BODY_INDENT = 6;

export function emitTrace(target: Target, model: EmitModel, abi: EmitAbi): EmittedFile {
  const signature = wrapList(
    `export function trace${target.importsType}(`,
    [`imports: ${target.importsType}`, "memory: GuestMemory", "log: (line: string) => void"],
    `: ${target.importsType} {`,
    0,
  );
  return {
    name: "trace.ts",
    purpose: `Call tracing for ${model.module.name}: named, decoded arguments and results.`,
    imports: [
      { from: "../../runtime/index.js", names: [...FORMATTERS, "GuestMemory", "u8Codec", "u16Codec", "u32Codec", "u64Codec"] },
      { from: "./types.js", namespace: "t" },
      { from: "./glue.js", names: [target.importsType] },
    ],
    declarations: [
      [
        `/** Wraps \`imports\` so that every call and its outcome is passed to \`log\` as one line. */`,
        ...signature,
        `  return {`,
        abi.views.map((view) => tracedFunction(view)).join("\n\n"),
        `  };`,
        `}`,
      ].join("\n"),
    ],
  };
}

function tracedFunction(view: HostView): string {
  const params = view.lowered.params.map((param) => `${variableName(param.name)}: ${param.core === "i64" ? "bigint" : "number"}`);
  const args = view.lowered.params.map((param) => variableName(param.name));
  const described = view.arguments.map((argument) => `${argument.param.name}=\${${describeArgument(argument)}}`);
  const call = wrapList(`imports.${view.name}(`, args, "", BODY_INDENT + 10);
  const lines = templateLines("const call = ", `${view.name}(`, described, ")", ";");
  if (view.lowered.func.noreturn) {
    lines.push(`log(call);`, ...withPrefix("return ", call, ";"));
  } else if (view.lowered.errorType === null) {
    lines.push(...withPrefix("", call, ";"), `log(call);`);
  } else {
    const outs = view.outs.map((out) => {
      const codec = codecExpression(out.type, "t.");
      return codec === null ? `formatAddress(${variableName(out.name)})` : `formatStored(memory, ${codec}, ${variableName(out.name)})`;
    });
    const success = outs.length === 0 ? `"success"` : `\`success (${outs.map((out) => `\${${out}}`).join(", ")})\``;
    lines.push(
      `let error: number;`,
      `try {`,
      ...indentLines(withPrefix("error = ", call, ";"), 2),
      `} catch (thrown) {`,
      `  log(\`\${call} -> \${describeThrow(thrown)}\`);`,
      `  throw thrown;`,
      `}`,
      ...outcomeLines(success),
      `log(\`\${call} = \${outcome}\`);`,
      `return error;`,
    );
  }
  const result = view.lowered.func.noreturn ? "never" : view.lowered.results.length === 0 ? "void" : "number";
  const signature = wrapList(`${view.name}(`, params, `: ${result} {`, 4);
  return [...indentLines(signature, 4), ...indentLines(lines, BODY_INDENT), `    },`].join("\n");
}

/** `const outcome = <success or the errno's name>;`, as a ternary over three lines when one is too long. */
function outcomeLines(success: string): string[] {
  const failure = "formatEnum(t.errnoNames, error)";
  const oneLine = `const outcome = error === 0 ? ${success} : ${failure};`;
  if (BODY_INDENT + oneLine.length <= MAX_LINE) return [oneLine];
  return [`const outcome =`, `  error === 0`, `    ? ${success}`, `    : ${failure};`];
}

/** `prefix` glued to the first of `lines` and `suffix` to the last. */
function withPrefix(prefix: string, lines: readonly string[], suffix: string): string[] {
  return lines.map((line, index) => `${index === 0 ? prefix : ""}${line}${index === lines.length - 1 ? suffix : ""}`);
}

/**
 * `<assign>\`<open><parts joined by ", "><close>\`<end>` on one line when it fits, or
 * as a sum of template literals, one line each, as many parts per line as fit.
 */
function templateLines(assign: string, open: string, parts: readonly string[], close: string, end: string): string[] {
  const oneLine = `${assign}\`${open}${parts.join(", ")}${close}\`${end}`;
  if (BODY_INDENT + oneLine.length <= MAX_LINE) return [oneLine];
  const room = MAX_LINE - BODY_INDENT - 2 - " +".length - 2;
  const pieces: string[] = [];
  let current = open;
  parts.forEach((part, index) => {
    const text = index < parts.length - 1 ? `${part}, ` : `${part}${close}`;
    if (current.length > 0 && current.length + text.length > room) {
      pieces.push(current);
      current = "";
    }
    current += text;
  });
  pieces.push(current);
  return [assign.trimEnd(), ...pieces.map((piece, index) => `  \`${piece}\`${index === pieces.length - 1 ? end : " +"}`)];
}

function describeArgument(argument: HostArgument): string {
  switch (argument.kind) {
    case "value": {
      const name = variableName(argument.abi.name);
      const ref = argument.param.type;
      const type = resolve(ref);
      if (ref.kind === "named" && type.kind === "enum") return `formatEnum(t.${ref.name}Names, ${name})`;
      if (ref.kind === "named" && type.kind === "flags") return `formatFlags(t.${ref.name}Names, ${name})`;
      switch (argument.check.kind) {
        case "unsigned32":
          return `${name} >>> 0`;
        case "narrow":
          return `${name} & 0x${argument.check.mask.toString(16)}`;
        case "unsigned64":
          return `BigInt.asUintN(64, ${name})`;
        default:
          return name;
      }
    }
    case "string":
      return `formatString(memory, ${variableName(argument.pointer.name)}, ${variableName(argument.length.name)})`;
    case "bytes":
      return `formatByteRange(${variableName(argument.pointer.name)}, ${variableName(argument.length.name)})`;
    case "buffers": {
      const list = resolve(argument.param.type);
      const element = list.kind === "list" ? resolve(list.element) : list;
      const constant = byteBufferFields(element)?.constant ?? false;
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
