/**
 * Emits `forward.ts`: the two ends of the worker runner's call channel for one
 * witx module, from the same lowered core signatures the glue is built on.
 *
 * - In the worker, `forward<Imports>(channel)` is the guest's import object:
 *   each function stores its core arguments (i32 or i64, as wasm passes them) in
 *   the channel's argument slots and waits for the host thread's answer.
 * - On the host thread, `dispatch<Imports>(imports, index, i32, i64)` reads the
 *   slots back and calls the ordinary generated glue, which checks every pointer
 *   and reads or writes the (shared) guest memory itself.
 *
 * Slot k holds argument k: an i32 at `i32[ARG_I32 + 2k]`, an i64 at
 * `i64[ARG_I64 + k]` (src/runtime/channel-layout.ts fixes both bases).
 */
import type { HostView } from "../abi/host-view.js";
import type { AbiParam } from "../abi/lowering-types.js";
import type { Target } from "../targets.js";
import type { EmitAbi, EmitModel, EmittedFile } from "./emitter.js";
import { variableName } from "./names.js";
import { indentLines, packList, wrapList } from "./wrap.js";

/** Must match ARG_SLOTS in src/runtime/channel-layout.ts. */
const argumentSlots = 16;

export function emitForward(target: Target, model: EmitModel, abi: EmitAbi): EmittedFile {
  for (const view of abi.views) {
    if (view.lowered.params.length > argumentSlots) {
      throw new Error(`${view.name} has ${view.lowered.params.length} core parameters; the worker channel has ${argumentSlots} slots`);
    }
  }
  const importsType = target.importsType;
  const names = abi.views.map((view) => JSON.stringify(view.name));
  return {
    name: "forward.ts",
    purpose: `The worker runner's call channel for ${model.module.name}: guest-side forwarders and the host-side dispatcher.`,
    imports: [
      { from: "../../runtime/channel-layout.js", names: ["ARG_I32", "ARG_I64", "ForwardChannel"] },
      { from: "./glue.js", names: [importsType] },
    ],
    declarations: [
      [
        "/** The channel's function numbers: a function's index in this list. */",
        ...packList("export const forwardedFunctions = [", names, " as const;", 0),
      ].join("\n"),
      [
        "/** The worker's import object: every function sends its core arguments over `channel` and returns the answer. */",
        `export function forward${importsType}(channel: ForwardChannel): ${importsType} {`,
        "  const i32 = channel.i32;",
        "  const i64 = channel.i64;",
        "  return {",
        abi.views.map((view, index) => forwarder(view, index)).join("\n\n"),
        "  };",
        "}",
      ].join("\n"),
      [
        "/**",
        " * The host thread's end: calls function `index` of `imports` (the generated glue)",
        " * with the arguments the worker stored in the slots.",
        " */",
        ...wrapList(
          `export function dispatch${importsType}(`,
          [`imports: ${importsType}`, "index: number", "i32: Int32Array", "i64: BigInt64Array"],
          ": number | void {",
          0,
        ),
        "  switch (index) {",
        ...abi.views.flatMap((view, index) => [
          `    case ${index}:`,
          ...indentLines(wrapList(`return imports.${view.name}(`, view.lowered.params.map(slotExpression), ";", 6), 6),
        ]),
        "    default:",
        `      throw new RangeError(\`no ${importsType} function number \${index}\`);`,
        "  }",
        "}",
      ].join("\n"),
    ],
  };
}

function slotExpression(param: AbiParam, slot: number): string {
  return param.core === "i64" ? `i64[ARG_I64 + ${slot}]` : `i32[ARG_I32 + ${slot * 2}]`;
}

function forwarder(view: HostView, index: number): string {
  const params = view.lowered.params;
  const signature = params.map((param) => `${variableName(param.name)}: ${param.core === "i64" ? "bigint" : "number"}`);
  const stores = params.map((param, slot) => `${slotExpression(param, slot)} = ${variableName(param.name)};`);
  const returns = view.lowered.func.noreturn ? "never" : view.lowered.results.length === 0 ? "void" : "number";
  const call = view.lowered.func.noreturn
    ? [
        `channel.call(${index});`,
        `throw new WebAssembly.RuntimeError(${JSON.stringify(`${view.name} returned to the guest, which it must never do`)});`,
      ]
    : [returns === "void" ? `channel.call(${index});` : `return channel.call(${index});`];
  return [
    ...indentLines(wrapList(`${view.name}(`, signature, `: ${returns} {`, 4), 4),
    ...indentLines([...stores, ...call], 6),
    "    },",
  ].join("\n");
}
