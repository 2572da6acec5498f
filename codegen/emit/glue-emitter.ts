/**
 * Emits `glue.ts`: the import object for one witx module. Each import decodes its
 * core arguments, checks every pointer and length (bounds, alignment, and sizes in
 * exact double arithmetic so nothing wraps), checks enum and flag values, calls the
 * host, and writes success values to the out-pointers only when the host succeeded.
 *
 * What a failed check gives the guest is not decided here: the glue names the kind
 * of failure, and the error policy (src/runtime/error-policy.ts) maps it, resolved
 * once per import object.
 *
 * The imports are the methods of one generated class, bound to an instance per
 * import object, so every WASI object in a process runs the same compiled code
 * (src/runtime/glue-support.ts says why). Checks every import makes alike (a string,
 * an iovec list, a byte buffer) are private methods of the class, written once.
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
import { argumentName, hostArgumentType, pointeeType, successType } from "./host-signatures.js";
import { variableName, writerName } from "./names.js";
import { codecExpression, dataViewAccess, isBigInt } from "./ts-types.js";
import { guard, indentLines, wrapList } from "./wrap.js";

/** The errno a failed check of `kind` returns: the policy's, resolved once per import object. */
function failed(kind: "badEnum" | "badFlags" | "badUtf8" | "stringTooLong" | "listTooLong"): string {
  return `this.#policy.errno.${kind}`;
}

/** Columns of a glue method's statements: inside the class, inside the method. */
const BODY_INDENT = 4;

export function emitGlue(target: Target, model: EmitModel, abi: EmitAbi): EmittedFile {
  const { module } = model;
  const { views } = abi;
  const glueClass = target.hostInterface.replace(/Host$/, "Glue");
  const methods = views.map((view) => functionText(view, model)).join("\n\n");
  // With errno.ts, the errnos the policy answers with (PolicyErrno) are named one by one so a bundler inlines them.
  const errnos = target.constantModules?.includes("errno")
    ? "{ fault: e.fault, inval: e.inval, ilseq: e.ilseq, nametoolong: e.nametoolong, io: e.io }"
    : "t.errno";
  const outs = views
    .filter((view) => successType(view) !== null)
    .map((view) => `readonly #${view.name}_out: Out<${successType(view)}> = { value: ${initialValue(view)} };`);
  const caches = views.flatMap((view) =>
    view.arguments
      .filter((argument) => argument.kind === "bytes" || argument.kind === "buffers")
      .map((argument) => `readonly #${siteName(view, argument)}_cache = new ViewCache();`),
  );
  const pointers = views.flatMap((view) =>
    view.arguments
      .filter((argument): argument is Extract<HostArgument, { kind: "pointer" }> => argument.kind === "pointer")
      .map((argument) => pointerFactory(view, argument)),
  );
  const fields = [
    [`readonly #host: ${target.hostInterface};`, `readonly #memory: GuestMemory;`, `readonly #policy: CallPolicy;`],
    [`// One reusable success value per function: returning a value allocates nothing.`, ...outs],
    [`// The last view each byte-buffer argument handed out, reused while the guest passes the same range.`, ...caches],
    [`// The pointers each pointer argument hands the host, made by one factory per argument.`, ...pointers.map((made) => made.field)],
  ].filter((block) => block.length > 1 || block[0].startsWith("readonly #host"));
  const constructorLines = [
    `constructor(host: ${target.hostInterface}, memory: GuestMemory, options: GlueOptions) {`,
    `  this.#host = hostCoreOf(host);`,
    `  this.#memory = memory;`,
    ...indentLines(wrapList(`this.#policy = new CallPolicy(`, ["moduleName", errnos, "options"], `;`, 2), 2),
    ...pointers.flatMap((made) => indentLines(made.assignment, 2)),
    `}`,
  ];
  // One decoder per kind of argument (strings, iovec lists, byte buffers), emitted when some import takes one: its checks in one place.
  const decodes = (kind: HostArgument["kind"]) => views.some((view) => view.arguments.some((argument) => argument.kind === kind));
  const bytesDecoder = [
    `/** A byte buffer's view of guest memory, or what its failed check gives (a bad pointer may trap). */`,
    `#bytes(`,
    `  m: GuestMemory,`,
    `  fn: string,`,
    `  arg: string,`,
    `  pointer: number,`,
    `  length: number,`,
    `  cache: ViewCache,`,
    `): Uint8Array | number {`,
    `  pointer >>>= 0;`,
    `  length >>>= 0;`,
    `  return m.inRange(pointer, length, 1) ? cache.view(m, pointer, length) : this.#policy.badPointer(fn, arg, m);`,
    `}`,
  ];
  const buffersDecoder = [
    `/** An iovec list's buffers (views of guest memory), or what its failed check gives (a bad pointer may trap). */`,
    `#buffers(`,
    `  m: GuestMemory,`,
    `  fn: string,`,
    `  arg: string,`,
    `  pointer: number,`,
    `  length: number,`,
    `  size: number,`,
    `  align: number,`,
    `  pointerOffset: number,`,
    `  lengthOffset: number,`,
    `  cache: ViewCache,`,
    `): readonly Uint8Array[] | number {`,
    `  pointer >>>= 0;`,
    `  length >>>= 0;`,
    `  if (!m.arrayInRange(pointer, length, size, align)) return this.#policy.badPointer(fn, arg, m);`,
    `  if (length > this.#policy.limits.maxIovecs) return ${failed("listTooLong")};`,
    `  const buffers = m.bufferList(pointer, length, size, pointerOffset, lengthOffset, cache);`,
    `  return buffers ?? this.#policy.badPointer(fn, arg, m);`,
    `}`,
  ];
  const stringDecoder = [
    `/** A string argument decoded, or what its failed check gives the guest (a bad pointer may trap instead). */`,
    `#string(m: GuestMemory, fn: string, arg: string, pointer: number, length: number): string | number {`,
    `  pointer >>>= 0;`,
    `  length >>>= 0;`,
    `  if (!m.inRange(pointer, length, 1)) return this.#policy.badPointer(fn, arg, m);`,
    `  if (length > this.#policy.limits.maxPathBytes) return ${failed("stringTooLong")};`,
    `  return m.utf8(pointer, length) ?? ${failed("badUtf8")};`,
    `}`,
  ];
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
          "GuestPointer",
          "Out",
          "pointerFactory",
          "PointerFactory",
          "u8Codec",
          "u16Codec",
          "u32Codec",
          "u64Codec",
          "ViewCache",
        ],
      },
      { from: "../../runtime/glue-support.js", names: ["hostCoreOf", "importsOf"] },
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
        ` * One import object: its state, and the imports as its methods. One class serves every`,
        ` * WASI object, so V8 compiles an import once (see src/runtime/glue-support.ts).`,
        ` */`,
        `class ${glueClass} {`,
        fields.map((block) => indentLines(block, 2).join("\n")).join("\n\n"),
        ``,
        indentLines(constructorLines, 2).join("\n"),
        ``,
        ...(decodes("string") ? [indentLines(stringDecoder, 2).join("\n"), ``] : []),
        ...(decodes("buffers") ? [indentLines(buffersDecoder, 2).join("\n"), ``] : []),
        ...(decodes("bytes") ? [indentLines(bytesDecoder, 2).join("\n"), ``] : []),
        methods,
        `}`,
      ].join("\n"),
      [
        `/**`,
        ` * Builds the \`${module.name}\` import object over \`host\`. \`memory\` is attached to the`,
        ` * instance's memory once it exists (imports are created before instantiation).`,
        ` */`,
        ...signature,
        `  return importsOf<${target.importsType}>(new ${glueClass}(host, memory, options));`,
        `}`,
      ].join("\n"),
    ],
  };
}

/** The field of one pointer argument's factory, typed, and its assignment in the constructor. */
function pointerFactory(view: HostView, argument: Extract<HostArgument, { kind: "pointer" }>): { field: string; assignment: string[] } {
  let pointee = argument.pointee;
  let levels = 0;
  for (let type = resolve(pointee); type.kind === "pointer"; type = resolve(pointee)) {
    pointee = type.pointee;
    levels++;
  }
  const codec = codecExpression(pointee, "t.");
  if (codec === null) throw new Error(`${view.name}: cannot point at a ${resolve(pointee).kind}`);
  const field = `#${siteName(view, argument)}_pointers`;
  return {
    field: `readonly ${field}: PointerFactory<${pointeeType(argument.pointee)}>;`,
    assignment: wrapList(
      `this.${field} = pointerFactory(`,
      ["memory", "this.#policy", JSON.stringify(view.name), JSON.stringify(argument.param.name), codec],
      `${".indirect()".repeat(levels)};`,
      4,
    ),
  };
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
  if (checksMemory) lines.push("const m = this.#memory.refresh();");
  else if (view.arguments.some((argument) => argument.kind === "pointer")) lines.push("this.#memory.refresh();");
  else lines.push("this.#memory.requireAttached();");
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
        `return this.#policy.badPointer(${fn}, ${JSON.stringify(out.name)}, m);`,
        BODY_INDENT,
      ),
    );
  }
  if (view.outs.length > 0) callArguments.push(`this.#${view.name}_out`);
  const call = (prefix: string, suffix: string, indent: number) =>
    wrapList(`${prefix}this.#host.${view.name}(`, callArguments, suffix, indent);
  const hostFailure = `this.#policy.hostFailure(${fn}, error)`;
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
      body.push(`const after = this.#memory.refresh();`);
      view.outs.forEach((out, index) => {
        const value = view.outs.length === 1 ? `this.#${view.name}_out.value` : `this.#${view.name}_out.value[${index}]`;
        body.push(storeValue(out.type, coreName(out), value));
      });
      body.push(`return 0;`);
    }
    lines.push(`try {`, ...indentLines(body, 2), `} catch (error) {`, `  return ${hostFailure};`, `}`);
  }
  const signature = wrapList(`${view.name}(`, coreParameters(view), `: ${coreResult(view)} {`, BODY_INDENT - 2);
  return [`  // ${view.name} — ${model.location(func.loc)}`, ...indentLines(signature, 2), ...indentLines(lines, BODY_INDENT), `  }`].join(
    "\n",
  );
}

/** Adds the statements that decode one argument; returns the expression the host receives. */
function decodeArgument(argument: HostArgument, fn: string, lines: string[], view: HostView): string {
  const arg = JSON.stringify(argument.param.name);
  const name = argumentName(argument);
  const badPointer = `return this.#policy.badPointer(${fn}, ${arg}, m);`;
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
        `const ${name}_text = this.#string(m, ${fn}, ${arg}, ${pointer}, ${length});`,
        `if (typeof ${name}_text === "number") return ${name}_text;`,
      );
      return `${name}_text`;
    }
    case "bytes": {
      const pointer = coreName(argument.pointer);
      const length = coreName(argument.length);
      lines.push(
        ...wrapList(
          `const ${name}_bytes = this.#bytes(`,
          ["m", fn, arg, pointer, length, `this.#${siteName(view, argument)}_cache`],
          ";",
          BODY_INDENT,
        ),
        `if (typeof ${name}_bytes === "number") return ${name}_bytes;`,
      );
      return `${name}_bytes`;
    }
    case "buffers": {
      const pointer = coreName(argument.pointer);
      const length = coreName(argument.length);
      const { size, align, pointerOffset, lengthOffset } = argument.element;
      lines.push(
        ...wrapList(
          `const ${name}_buffers = this.#buffers(`,
          [
            "m",
            fn,
            arg,
            pointer,
            length,
            `${size}`,
            `${align}`,
            `${pointerOffset}`,
            `${lengthOffset}`,
            `this.#${siteName(view, argument)}_cache`,
          ],
          ";",
          BODY_INDENT,
        ),
        `if (typeof ${name}_buffers === "number") return ${name}_buffers;`,
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
        `if (${length} > this.#policy.limits.maxIovecs) return ${failed("listTooLong")};`,
        `const ${name}_records = new Array(${length});`,
        `try {`,
        `  for (let i = 0; i < ${length}; i++) {`,
        `    ${name}_records[i] = ${codec}.read(m.view, ${pointer} + i * ${layout.size});`,
        `  }`,
        `} catch (error) {`,
        `  return this.#policy.hostFailure(${fn}, error);`,
        `}`,
      );
      return `${name}_records`;
    }
    case "pointer":
      return `this.#${siteName(view, argument)}_pointers.at(${coreName(argument.abi)})`;
  }
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
        ? [`${name} = BigInt.asUintN(64, ${name});`, `if (${name} >= ${check.count}n) return ${failed("badEnum")};`]
        : [`${name} >>>= 0;`, `if (${name} >= ${check.count}) return ${failed("badEnum")};`];
    case "flags":
      return check.wide
        ? [
            `if (${name} < 0n) ${name} = BigInt.asUintN(64, ${name});`,
            `if (${wideFlagsUnknown(name, check.all)}) return ${failed("badFlags")};`,
          ]
        : [`if ((${name} & ~0x${check.all.toString(16)}) !== 0) return ${failed("badFlags")};`, `${name} >>>= 0;`];
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
