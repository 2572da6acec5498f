/**
 * Emits `glue.ts`: the import object for one witx module. Each import decodes its
 * core arguments, checks every pointer and length (bounds, alignment, and sizes in
 * exact double arithmetic so nothing wraps), checks enum and flag values, calls the
 * host, and writes success values to the out-pointers only when the host succeeded.
 *
 * Hot-path rules the output follows: no allocation for scalar-only calls (success
 * values go through one reusable `Out` per function), views come from the cached
 * `GuestMemory` and are refreshed after the host ran (it may have grown memory), no
 * closures per call, and exceptions only for traps.
 */
import { StructureKind } from "ts-morph";
import type { Statements } from "./project.js";
import type { AbiParam } from "../lowering-types.js";
import type { Module, TypeRef } from "../model/types.js";
import { layoutOf } from "../layout.js";
import { hostArgumentType, pointeeCodec, successType, type HostArgument, type HostView, type ValueCheck } from "./host-view.js";
import { variableName } from "./names.js";
import { codecExpression, dataViewAccess, isBigInt, resolve } from "./ts-types.js";

export interface GlueNames {
  readonly hostInterface: string;
  readonly importsType: string;
  readonly factory: string;
}

export function emitGlue(file: Statements, module: Module, names: GlueNames, views: readonly HostView[]): void {
  file.push(
    `import { CallPolicy, GuestPointer, pointerCodec, u8Codec, u16Codec, u32Codec, u64Codec, ViewCache } from "../../runtime/index.js";`,
    `import type { GlueOptions, GuestMemory, Out } from "../../runtime/index.js";`,
    `import * as t from "./types.js";`,
    `import type { ${names.hostInterface} } from "./host.js";`,
    ``,
    `void [GuestPointer, pointerCodec, u8Codec, u16Codec, u32Codec, u64Codec];`,
    ``,
    `/** The witx module these imports implement. */`,
    `export const moduleName = ${JSON.stringify(module.name)};`,
    ``,
    `const INVAL = t.errno.inval;`,
    `const ILSEQ = t.errno.ilseq;`,
    `const TOO_LONG = t.errno.nametoolong;`,
  );
  file.push({ kind: StructureKind.TypeAlias,
    name: names.importsType,
    isExported: true,
    docs: [`The core-wasm functions of \`${module.name}\`, as a module imports them.`],
    type: `{\n${views.map((view) => `  ${view.name}(${coreParameters(view)}): ${coreResult(view)};`).join("\n")}\n}`,
  });
  const outs = views
    .filter((view) => successType(view) !== null)
    .map((view) => `  const ${view.name}_out: Out<${successType(view)}> = { value: ${initialValue(view)} };`);
  const caches = views.flatMap((view) =>
    view.arguments
      .filter((argument) => argument.kind === "bytes" || argument.kind === "buffers")
      .map((argument) => `  const ${view.name}_${argument.name}_cache = new ViewCache();`),
  );
  const codecs = views.flatMap((view) =>
    view.arguments
      .filter((argument): argument is Extract<HostArgument, { kind: "pointer" }> => argument.kind === "pointer")
      .map((argument) => `  const ${view.name}_${argument.name}_codec = ${pointeeCodec(argument.pointee, view.name, argument.param.name)};`),
  );
  file.push(
    `/**
 * Builds the \`${module.name}\` import object over \`host\`. \`memory\` is attached to the
 * instance's memory once it exists (imports are created before instantiation).
 */
export function ${names.factory}(host: ${names.hostInterface}, memory: GuestMemory, options: GlueOptions = {}): ${names.importsType} {
  const policy = new CallPolicy(moduleName, { fault: t.errno.fault, io: t.errno.io, inval: t.errno.inval }, options);
  const maxListLength = policy.maxListLength;
  const maxStringBytes = policy.maxStringBytes;
${[...outs, ...caches, ...codecs].join("\n")}
  return {
${views.map((view) => functionBody(view)).join("\n")}
  };
}`,
  );
}

function coreParameters(view: HostView): string {
  return view.lowered.params.map((param) => `${coreName(param)}: ${param.core === "i64" ? "bigint" : "number"}`).join(", ");
}

function coreResult(view: HostView): string {
  if (view.lowered.func.noreturn) return "never";
  return view.lowered.results.length === 0 ? "void" : "number";
}

function coreName(param: AbiParam): string {
  return variableName(param.name);
}

function initialValue(view: HostView): string {
  const values = view.outs.map((out) => initialOf(out.type));
  return values.length === 1 ? values[0] : `[${values.join(", ")}]`;
}

function initialOf(ref: TypeRef): string {
  const type = resolve(ref);
  if (type.kind === "record" || type.kind === "variant") return "undefined as never";
  if (isBigInt(ref)) return "0n";
  if (type.kind === "handle") return "0 as t.Fd";
  return "0 as never";
}

function functionBody(view: HostView): string {
  const fn = JSON.stringify(view.name);
  const lines: string[] = [];
  const usesMemory = view.arguments.some((argument) => argument.kind !== "value") || view.outs.length > 0;
  // Either way the call fails before the instance is set up: refresh() finds no memory, requireAttached() checks for it.
  lines.push(usesMemory ? "const m = memory.refresh();" : "memory.requireAttached();");
  const callArguments: string[] = [];
  for (const argument of view.arguments) {
    callArguments.push(decodeArgument(argument, fn, lines, view));
  }
  for (const out of view.outs) {
    const name = coreName(out);
    const layout = layoutOf(out.type);
    lines.push(`${name} >>>= 0;`);
    lines.push(`if (!m.inRange(${name}, ${layout.size}, ${layout.align})) return policy.badPointer(${fn}, ${JSON.stringify(out.name)}, m);`);
  }
  if (view.outs.length > 0) callArguments.push(`${view.name}_out`);
  const call = `host.${view.name}(${callArguments.join(", ")})`;
  if (view.lowered.func.noreturn) {
    lines.push(
      `try {`,
      `  ${call};`,
      `} catch (error) {`,
      `  policy.hostFailure(${fn}, error);`,
      `}`,
      `throw new WebAssembly.RuntimeError(${JSON.stringify(`${view.name} returned to the guest, which it must never do`)});`,
    );
  } else if (view.lowered.errorType === null) {
    lines.push(`try {`, `  ${call};`, `} catch (error) {`, `  policy.hostFailure(${fn}, error);`, `}`);
  } else {
    const body = view.outs.length === 0 ? [`return ${call};`] : [`const error = ${call};`, `if (error !== 0) return error;`];
    if (view.outs.length > 0) {
      body.push(`const after = memory.refresh();`);
      view.outs.forEach((out, index) => {
        const value = view.outs.length === 1 ? `${view.name}_out.value` : `${view.name}_out.value[${index}]`;
        body.push(storeValue(out.type, coreName(out), value));
      });
    }
    if (view.outs.length > 0) body.push(`return 0;`);
    lines.push(`try {`, ...body.map((line) => `  ${line}`), `} catch (error) {`, `  return policy.hostFailure(${fn}, error);`, `}`);
  }
  const signature = `${view.name}(${coreParameters(view)}): ${coreResult(view)}`;
  return `    ${signature} {\n${lines.map((line) => `      ${line}`).join("\n")}\n    },`;
}

/** Adds the statements that decode one argument; returns the expression the host receives. */
function decodeArgument(argument: HostArgument, fn: string, lines: string[], view: HostView): string {
  const arg = JSON.stringify(argument.param.name);
  switch (argument.kind) {
    case "value": {
      const name = coreName(argument.abi);
      lines.push(...valueChecks(name, argument.check));
      return `${name} as ${hostArgumentType(argument)}`;
    }
    case "string": {
      const pointer = coreName(argument.pointer);
      const length = coreName(argument.length);
      lines.push(
        ...byteRangeChecks(pointer, length, fn, arg),
        `if (${length} > maxStringBytes) return TOO_LONG;`,
        `const ${argument.name}_text = m.utf8(${pointer}, ${length});`,
        `if (${argument.name}_text === null) return ILSEQ;`,
      );
      return `${argument.name}_text`;
    }
    case "bytes": {
      const pointer = coreName(argument.pointer);
      const length = coreName(argument.length);
      lines.push(...byteRangeChecks(pointer, length, fn, arg));
      return `${view.name}_${argument.name}_cache.view(m, ${pointer}, ${length})`;
    }
    case "buffers": {
      const pointer = coreName(argument.pointer);
      const length = coreName(argument.length);
      const { size, align, pointerOffset, lengthOffset } = argument.element;
      lines.push(
        `${pointer} >>>= 0;`,
        `${length} >>>= 0;`,
        `if (!m.arrayInRange(${pointer}, ${length}, ${size}, ${align})) return policy.badPointer(${fn}, ${arg}, m);`,
        `if (${length} > maxListLength) return INVAL;`,
        `const ${argument.name}_buffers = m.bufferList(${pointer}, ${length}, ${size}, ${pointerOffset}, ${lengthOffset}, ${view.name}_${argument.name}_cache);`,
        `if (${argument.name}_buffers === null) return policy.badPointer(${fn}, ${arg}, m);`,
      );
      return `${argument.name}_buffers`;
    }
    case "records": {
      const pointer = coreName(argument.pointer);
      const length = coreName(argument.length);
      const layout = layoutOf(argument.element);
      const codec = codecExpression(argument.element, "t.");
      lines.push(
        `${pointer} >>>= 0;`,
        `${length} >>>= 0;`,
        `if (!m.arrayInRange(${pointer}, ${length}, ${layout.size}, ${layout.align})) return policy.badPointer(${fn}, ${arg}, m);`,
        `if (${length} > maxListLength) return INVAL;`,
        `const ${argument.name}_records = new Array(${length});`,
        `try {`,
        `  for (let i = 0; i < ${length}; i++) ${argument.name}_records[i] = ${codec}.read(m.view, ${pointer} + i * ${layout.size});`,
        `} catch (error) {`,
        `  return policy.hostFailure(${fn}, error);`,
        `}`,
      );
      return `${argument.name}_records`;
    }
    case "pointer": {
      const name = coreName(argument.abi);
      return `new GuestPointer(m, ${name} >>> 0, ${view.name}_${argument.name}_codec, policy, ${fn}, ${arg})`;
    }
  }
}

/** Makes a (pointer, byte length) pair unsigned and checks that the range lies in memory. */
function byteRangeChecks(pointer: string, length: string, fn: string, arg: string): string[] {
  return [
    `${pointer} >>>= 0;`,
    `${length} >>>= 0;`,
    `if (!m.inRange(${pointer}, ${length}, 1)) return policy.badPointer(${fn}, ${arg}, m);`,
  ];
}

function valueChecks(name: string, check: ValueCheck): string[] {
  switch (check.kind) {
    case "unsigned32":
      return [`${name} >>>= 0;`];
    case "narrow":
      return [`${name} &= 0x${check.mask.toString(16)};`];
    case "signed32":
    case "signed64":
    case "float":
      return [];
    case "unsigned64":
      // Most u64 arguments (sizes, offsets, timestamps) are small and arrive non-negative: skip the conversion then.
      return [`if (${name} < 0n) ${name} = BigInt.asUintN(64, ${name});`];
    case "enum":
      return check.wide
        ? [`${name} = BigInt.asUintN(64, ${name});`, `if (${name} >= ${check.count}n) return INVAL;`]
        : [`${name} >>>= 0;`, `if (${name} >= ${check.count}) return INVAL;`];
    case "flags":
      return check.wide
        ? [`if (${name} < 0n) ${name} = BigInt.asUintN(64, ${name});`, `if ((${name} & ${(((1n << 64n) - 1n) ^ check.all).toString()}n) !== 0n) return INVAL;`]
        : [`if ((${name} & ~${check.all.toString()}) !== 0) return INVAL;`, `${name} >>>= 0;`];
  }
}

/** A statement storing a success value of type `ref` at the out-pointer `address` of the refreshed memory `after`. */
function storeValue(ref: TypeRef, address: string, value: string): string {
  const type = resolve(ref);
  const scalar =
    type.kind === "builtin" ? type.name : type.kind === "enum" ? type.tag : type.kind === "flags" ? type.repr : type.kind === "handle" ? "u32" : null;
  if (scalar === "u64") return `after.storeU64(${address}, ${value});`;
  if (scalar !== null) {
    const access = dataViewAccess(scalar);
    return `after.view.${access.set}(${address}, ${value}${access.littleEndian ? ", true" : ""});`;
  }
  const codec = codecExpression(ref, "t.");
  if (codec === null) throw new Error(`cannot store a ${type.kind} through an out-pointer`);
  return `${codec}.write(after.view, ${address}, ${value});`;
}
