/**
 * Emits `glue.ts`: the import object for one witx module. Each import decodes its
 * core arguments, checks every pointer and length (bounds, alignment, and sizes in
 * exact double arithmetic so nothing wraps), checks enum and flag values, calls the
 * host, and writes success values to the out-pointers only when the host succeeded.
 *
 * What a failed check gives the guest is not decided here: the glue names the kind
 * of failure, and the error policy (src/runtime/error-policy.ts) maps it, resolved
 * to constants once per import object.
 *
 * Hot-path rules the output follows: no allocation for scalar-only calls (success
 * values go through one reusable `Out` per function), views come from the cached
 * `GuestMemory` and are refreshed after the host ran (it may have grown memory), no
 * closures per call, and exceptions only for traps.
 */
import type { HostArgument, HostView, ValueCheck } from "../abi/host-view.js";
import { layoutOf } from "../abi/layout.js";
import type { AbiParam } from "../abi/lowering-types.js";
import type { TypeRef } from "../model/types.js";
import { resolve } from "../model/walk.js";
import type { Target } from "../targets.js";
import type { EmitAbi, EmitModel, EmittedFile } from "./emitter.js";
import { argumentName, hostArgumentType, successType } from "./host-signatures.js";
import { variableName, writerName } from "./names.js";
import { codecExpression, dataViewAccess, isBigInt } from "./ts-types.js";
import { guard, indentLines, wrapList } from "./wrap.js";

/** The constants a glue function may return for a failed check: guest error kinds of the policy. */
const POLICY_CONSTANTS = {
  BAD_ENUM: "badEnum",
  BAD_FLAGS: "badFlags",
  BAD_UTF8: "badUtf8",
  STRING_TOO_LONG: "stringTooLong",
  LIST_TOO_LONG: "listTooLong",
} as const;

/** The limits the glue enforces before decoding, under their one name (src/runtime/limits.ts). */
const LIMIT_CONSTANTS = ["maxIovecs", "maxPathBytes"] as const;

/** Columns of a glue function's statements: inside the factory, the returned object, the method. */
const BODY_INDENT = 6;

export function emitGlue(target: Target, model: EmitModel, abi: EmitAbi): EmittedFile {
  const { module } = model;
  const { views } = abi;
  const functions = views.map((view) => functionText(view, model)).join("\n\n");
  const used = (name: string) => new RegExp(`\\b${name}\\b`).test(functions);
  const setup = [
    `// The error policy and the limits, resolved once for this import object.`,
    // With errno.ts, the errnos the policy answers with (PolicyErrno) are named one by one so a bundler inlines them.
    ...(target.constantModules?.includes("errno")
      ? [
          `const policy = new CallPolicy(`,
          `  moduleName,`,
          `  { fault: e.fault, inval: e.inval, ilseq: e.ilseq, nametoolong: e.nametoolong, io: e.io },`,
          `  options,`,
          `);`,
        ]
      : [`const policy = new CallPolicy(moduleName, t.errno, options);`]),
    ...Object.entries(POLICY_CONSTANTS)
      .filter(([constant]) => used(constant))
      .map(([constant, kind]) => `const ${constant} = policy.errno.${kind};`),
    ...LIMIT_CONSTANTS.filter(used).map((limit) => `const ${limit} = policy.limits.${limit};`),
  ];
  const outs = views
    .filter((view) => successType(view) !== null)
    .map((view) => `const ${view.name}_out: Out<${successType(view)}> = { value: ${initialValue(view)} };`);
  const caches = views.flatMap((view) =>
    view.arguments
      .filter((argument) => argument.kind === "bytes" || argument.kind === "buffers")
      .map((argument) => `const ${siteName(view, argument)}_cache = new ViewCache();`),
  );
  const pointers = views.flatMap((view) =>
    view.arguments
      .filter((argument): argument is Extract<HostArgument, { kind: "pointer" }> => argument.kind === "pointer")
      .flatMap((argument) => pointerFactory(view, argument)),
  );
  const blocks = [
    setup,
    [`// One reusable success value per function: returning a value allocates nothing.`, ...outs],
    [`// The last view each byte-buffer argument handed out, reused while the guest passes the same range.`, ...caches],
    [`// The pointers each pointer argument hands the host, made by one factory per argument.`, ...pointers],
  ].filter((block) => block.length > 1 || block === setup);
  const signature = wrapList(
    `export function ${target.factory}(`,
    [`host: ${target.hostInterface}`, "memory: GuestMemory", "options: GlueOptions = {}"],
    `: ${target.importsType} {`,
    0,
  );
  return {
    name: "glue.ts",
    purpose: `The ${module.name} import object: argument decoding, pointer checks, result writing.`,
    imports: [
      {
        from: "../../runtime/index.js",
        names: [
          "CallPolicy",
          "GlueOptions",
          "GuestMemory",
          "Out",
          "pointerFactory",
          "u8Codec",
          "u16Codec",
          "u32Codec",
          "u64Codec",
          "ViewCache",
        ],
      },
      { from: "./types.js", namespace: "t" },
      { from: "./errno.js", namespace: "e" },
      { from: "./host.js", names: [target.hostInterface] },
    ],
    declarations: [
      `/** The witx module these imports implement. */\nexport const moduleName = ${JSON.stringify(module.name)};`,
      [
        `/** The core-wasm functions of \`${module.name}\`, as a module imports them. */`,
        `export type ${target.importsType} = {`,
        ...views.flatMap((view) => indentLines(wrapList(`${view.name}(`, coreParameters(view), `: ${coreResult(view)};`, 2), 2)),
        `};`,
      ].join("\n"),
      [
        `/**`,
        ` * Builds the \`${module.name}\` import object over \`host\`. \`memory\` is attached to the`,
        ` * instance's memory once it exists (imports are created before instantiation).`,
        ` */`,
        ...signature,
        blocks.map((block) => indentLines(block, 2).join("\n")).join("\n\n"),
        ``,
        `  return {`,
        functions,
        `  };`,
        `}`,
      ].join("\n"),
    ],
  };
}

/** The factory of one pointer argument: `pointerFactory(...)`, then one `.indirect()` per pointer level. */
function pointerFactory(view: HostView, argument: Extract<HostArgument, { kind: "pointer" }>): string[] {
  let pointee = argument.pointee;
  let levels = 0;
  for (let type = resolve(pointee); type.kind === "pointer"; type = resolve(pointee)) {
    pointee = type.pointee;
    levels++;
  }
  const codec = codecExpression(pointee, "t.");
  if (codec === null) throw new Error(`${view.name}: cannot point at a ${resolve(pointee).kind}`);
  const call = wrapList(
    `const ${siteName(view, argument)}_pointers = pointerFactory(`,
    ["memory", "policy", JSON.stringify(view.name), JSON.stringify(argument.param.name), codec],
    `${".indirect()".repeat(levels)};`,
    2,
  );
  return call;
}

/** The prefix of the per-argument constants the factory builds (`fd_write_iovs`). */
function siteName(view: HostView, argument: HostArgument): string {
  return `${view.name}_${argument.param.name.replace(/-/g, "_")}`;
}

function coreParameters(view: HostView): string[] {
  return view.lowered.params.map((param) => `${coreName(param)}: ${param.core === "i64" ? "bigint" : "number"}`);
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

/** One method of the import object, with the comment that leads back to its witx source. */
function functionText(view: HostView, model: EmitModel): string {
  const func = view.lowered.func;
  const fn = JSON.stringify(view.name);
  const lines: string[] = [];
  const checksMemory = view.arguments.some((argument) => argument.kind !== "value" && argument.kind !== "pointer") || view.outs.length > 0;
  // Pointers check memory when the host uses them; refreshing first still traps before the host runs without one.
  // A call that touches no memory still fails before the instance is set up: requireAttached() checks for it.
  if (checksMemory) lines.push("const m = memory.refresh();");
  else if (view.arguments.some((argument) => argument.kind === "pointer")) lines.push("memory.refresh();");
  else lines.push("memory.requireAttached();");
  const callArguments: string[] = [];
  for (const argument of view.arguments) {
    callArguments.push(decodeArgument(argument, fn, lines, view));
  }
  for (const out of view.outs) {
    const name = coreName(out);
    const layout = layoutOf(out.type);
    lines.push(`${name} >>>= 0;`);
    lines.push(
      ...guard(
        `!m.inRange(${name}, ${layout.size}, ${layout.align})`,
        `return policy.badPointer(${fn}, ${JSON.stringify(out.name)}, m);`,
        BODY_INDENT,
      ),
    );
  }
  if (view.outs.length > 0) callArguments.push(`${view.name}_out`);
  const call = (prefix: string, suffix: string, indent: number) => wrapList(`${prefix}host.${view.name}(`, callArguments, suffix, indent);
  const hostFailure = `policy.hostFailure(${fn}, error)`;
  if (func.noreturn) {
    lines.push(
      `try {`,
      ...indentLines(call("", ";", BODY_INDENT + 2), 2),
      `} catch (error) {`,
      `  ${hostFailure};`,
      `}`,
      `throw new WebAssembly.RuntimeError(${JSON.stringify(`${view.name} returned to the guest, which it must never do`)});`,
    );
  } else if (view.lowered.errorType === null) {
    lines.push(`try {`, ...indentLines(call("", ";", BODY_INDENT + 2), 2), `} catch (error) {`, `  ${hostFailure};`, `}`);
  } else {
    const body =
      view.outs.length === 0
        ? call("return ", ";", BODY_INDENT + 2)
        : [...call("const error = ", ";", BODY_INDENT + 2), `if (error !== 0) return error;`];
    if (view.outs.length > 0) {
      body.push(`const after = memory.refresh();`);
      view.outs.forEach((out, index) => {
        const value = view.outs.length === 1 ? `${view.name}_out.value` : `${view.name}_out.value[${index}]`;
        body.push(storeValue(out.type, coreName(out), value));
      });
      body.push(`return 0;`);
    }
    lines.push(`try {`, ...indentLines(body, 2), `} catch (error) {`, `  return ${hostFailure};`, `}`);
  }
  const signature = wrapList(`${view.name}(`, coreParameters(view), `: ${coreResult(view)} {`, BODY_INDENT - 2);
  return [
    `    // ${view.name} — ${model.location(func.loc)}`,
    ...indentLines(signature, 4),
    ...indentLines(lines, BODY_INDENT),
    `    },`,
  ].join("\n");
}

/** Adds the statements that decode one argument; returns the expression the host receives. */
function decodeArgument(argument: HostArgument, fn: string, lines: string[], view: HostView): string {
  const arg = JSON.stringify(argument.param.name);
  const name = argumentName(argument);
  const badPointer = `return policy.badPointer(${fn}, ${arg}, m);`;
  switch (argument.kind) {
    case "value": {
      const core = coreName(argument.abi);
      lines.push(...valueChecks(core, argument.check));
      return `${core} as ${hostArgumentType(argument)}`;
    }
    case "string": {
      const pointer = coreName(argument.pointer);
      const length = coreName(argument.length);
      lines.push(
        ...byteRangeChecks(pointer, length, badPointer),
        `if (${length} > maxPathBytes) return STRING_TOO_LONG;`,
        `const ${name}_text = m.utf8(${pointer}, ${length});`,
        `if (${name}_text === null) return BAD_UTF8;`,
      );
      return `${name}_text`;
    }
    case "bytes": {
      const pointer = coreName(argument.pointer);
      const length = coreName(argument.length);
      lines.push(...byteRangeChecks(pointer, length, badPointer));
      return `${siteName(view, argument)}_cache.view(m, ${pointer}, ${length})`;
    }
    case "buffers": {
      const pointer = coreName(argument.pointer);
      const length = coreName(argument.length);
      const { size, align, pointerOffset, lengthOffset } = argument.element;
      lines.push(
        `${pointer} >>>= 0;`,
        `${length} >>>= 0;`,
        ...guard(`!m.arrayInRange(${pointer}, ${length}, ${size}, ${align})`, badPointer, BODY_INDENT),
        `if (${length} > maxIovecs) return LIST_TOO_LONG;`,
        ...wrapList(
          `const ${name}_buffers = m.bufferList(`,
          [pointer, length, `${size}`, `${pointerOffset}`, `${lengthOffset}`, `${siteName(view, argument)}_cache`],
          ";",
          BODY_INDENT,
        ),
        ...guard(`${name}_buffers === null`, badPointer, BODY_INDENT),
      );
      return `${name}_buffers`;
    }
    case "records": {
      const pointer = coreName(argument.pointer);
      const length = coreName(argument.length);
      const layout = layoutOf(argument.element);
      const codec = codecExpression(argument.element, "t.");
      lines.push(
        `${pointer} >>>= 0;`,
        `${length} >>>= 0;`,
        ...guard(`!m.arrayInRange(${pointer}, ${length}, ${layout.size}, ${layout.align})`, badPointer, BODY_INDENT),
        `if (${length} > maxIovecs) return LIST_TOO_LONG;`,
        `const ${name}_records = new Array(${length});`,
        `try {`,
        `  for (let i = 0; i < ${length}; i++) {`,
        `    ${name}_records[i] = ${codec}.read(m.view, ${pointer} + i * ${layout.size});`,
        `  }`,
        `} catch (error) {`,
        `  return policy.hostFailure(${fn}, error);`,
        `}`,
      );
      return `${name}_records`;
    }
    case "pointer":
      return `${siteName(view, argument)}_pointers.at(${coreName(argument.abi)})`;
  }
}

/** Makes a (pointer, byte length) pair unsigned and checks that the range lies in memory. */
function byteRangeChecks(pointer: string, length: string, badPointer: string): string[] {
  return [`${pointer} >>>= 0;`, `${length} >>>= 0;`, ...guard(`!m.inRange(${pointer}, ${length}, 1)`, badPointer, BODY_INDENT)];
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
        ? [`${name} = BigInt.asUintN(64, ${name});`, `if (${name} >= ${check.count}n) return BAD_ENUM;`]
        : [`${name} >>>= 0;`, `if (${name} >= ${check.count}) return BAD_ENUM;`];
    case "flags":
      return check.wide
        ? [`if (${name} < 0n) ${name} = BigInt.asUintN(64, ${name});`, `if (${wideFlagsUnknown(name, check.all)}) return BAD_FLAGS;`]
        : [`if ((${name} & ~0x${check.all.toString(16)}) !== 0) return BAD_FLAGS;`, `${name} >>>= 0;`];
  }
}

/**
 * The test that a non-negative u64 flags value has a bit outside `all`. When `all` is every bit
 * below some power of two (rights), a comparison says it without the BigInt an `&` makes per call.
 */
function wideFlagsUnknown(name: string, all: bigint): string {
  if ((all & (all + 1n)) === 0n) return `${name} > 0x${all.toString(16)}n`;
  return `(${name} & 0x${(((1n << 64n) - 1n) ^ all).toString(16)}n) !== 0n`;
}

/** A statement storing a success value of type `ref` at the out-pointer `address` of the refreshed memory `after`. */
function storeValue(ref: TypeRef, address: string, value: string): string {
  const type = resolve(ref);
  const scalar =
    type.kind === "builtin"
      ? type.name
      : type.kind === "enum"
        ? type.tag
        : type.kind === "flags"
          ? type.repr
          : type.kind === "handle"
            ? "u32"
            : null;
  if (scalar === "u64") return `after.storeU64(${address}, ${value});`;
  if (scalar !== null) {
    const access = dataViewAccess(scalar);
    return `after.view.${access.set}(${address}, ${value}${access.littleEndian ? ", true" : ""});`;
  }
  // A record or variant has its writer function, so a bundle leaves the codec's read out.
  if (ref.kind === "named" && (type.kind === "record" || type.kind === "variant")) {
    return `t.${writerName(ref.name)}(after.view, ${address}, ${value});`;
  }
  const codec = codecExpression(ref, "t.");
  if (codec === null) throw new Error(`cannot store a ${type.kind} through an out-pointer`);
  return `${codec}.write(after.view, ${address}, ${value});`;
}
