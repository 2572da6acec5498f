/**
 * Emits `trace.ts`: a wrapper around a module's import object that logs each call
 * like strace, with named arguments, flags and errnos by name, strings decoded and
 * buffers summarised. It is generated from the same host view as the glue, so a new
 * witx function is traced without hand-written code; tracing off means the wrapper
 * is simply not used, which costs nothing.
 */
import type { Statements } from "./project.js";
import type { Module } from "../model/types.js";
import type { Target } from "../targets.js";
import type { HostArgument, HostView } from "./host-view.js";
import { variableName } from "./names.js";
import { byteBufferFields, codecExpression, resolve } from "./ts-types.js";

export function emitTrace(file: Statements, module: Module, target: Target, views: readonly HostView[]): void {
  file.push(
    `import { describeThrow, formatAddress, formatBufferList, formatByteRange, formatEnum, formatFlags, formatStored, formatString, u8Codec, u16Codec, u32Codec, u64Codec } from "../../runtime/index.js";`,
    `import type { GuestMemory } from "../../runtime/index.js";`,
    `import * as t from "./types.js";`,
    `import type { ${target.importsType} } from "./glue.js";`,
    ``,
    `void [formatAddress, formatBufferList, formatByteRange, formatEnum, formatFlags, formatStored, formatString, u8Codec, u16Codec, u32Codec, u64Codec];`,
    ``,
    `/** Wraps \`imports\` so that every call and its outcome is passed to \`log\` as one line. */
export function trace${target.importsType}(imports: ${target.importsType}, memory: GuestMemory, log: (line: string) => void): ${target.importsType} {
  return {
${views.map((view) => tracedFunction(view)).join("\n")}
  };
}`,
  );
}

function tracedFunction(view: HostView): string {
  const params = view.lowered.params.map((param) => `${variableName(param.name)}: ${param.core === "i64" ? "bigint" : "number"}`);
  const args = view.lowered.params.map((param) => variableName(param.name));
  const described = view.arguments.map((argument) => `${argument.param.name}=\${${describeArgument(argument)}}`).join(", ");
  const call = `imports.${view.name}(${args.join(", ")})`;
  const lines = [`const call = \`${view.name}(${described})\`;`];
  if (view.lowered.func.noreturn) {
    lines.push(`log(call);`, `return ${call};`);
  } else if (view.lowered.errorType === null) {
    lines.push(`${call};`, `log(call);`);
  } else {
    const outs = view.outs.map((out) => {
      const codec = codecExpression(out.type, "t.");
      return codec === null ? `formatAddress(${variableName(out.name)})` : `formatStored(memory, ${codec}, ${variableName(out.name)})`;
    });
    const success = outs.length === 0 ? `"success"` : `\`success (${outs.map((out) => `\${${out}}`).join(", ")})\``;
    lines.push(
      `let error: number;`,
      `try {`,
      `  error = ${call};`,
      `} catch (thrown) {`,
      `  log(\`\${call} -> \${describeThrow(thrown)}\`);`,
      `  throw thrown;`,
      `}`,
      `log(\`\${call} = \${error === 0 ? ${success} : formatEnum(t.errnoNames, error)}\`);`,
      `return error;`,
    );
  }
  const result = view.lowered.func.noreturn ? "never" : view.lowered.results.length === 0 ? "void" : "number";
  return `    ${view.name}(${params.join(", ")}): ${result} {\n${lines.map((line) => `      ${line}`).join("\n")}\n    },`;
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
      return `formatBufferList(memory, ${variableName(argument.pointer.name)}, ${variableName(argument.length.name)}, ${size}, ${pointerOffset}, ${lengthOffset}, ${constant})`;
    }
    case "records":
      return `\`\${formatAddress(${variableName(argument.pointer.name)})}[\${${variableName(argument.length.name)} >>> 0}]\``;
    case "pointer":
      return `formatAddress(${variableName(argument.abi.name)})`;
  }
}
