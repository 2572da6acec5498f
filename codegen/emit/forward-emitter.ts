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
 * `i64[ARG_I64 + k]` (src/worker/channel-layout.ts fixes both bases).
 */
import type { AbiParam } from "../lowering-types.js";
import type { Target } from "../targets.js";
import type { HostView } from "./host-view.js";
import { variableName } from "./names.js";
import type { Statements } from "./project.js";

/** Must match ARG_SLOTS in src/worker/channel-layout.ts. */
const argumentSlots = 16;

export function emitForward(file: Statements, target: Target, views: readonly HostView[]): void {
  for (const view of views) {
    if (view.lowered.params.length > argumentSlots) {
      throw new Error(`${view.name} has ${view.lowered.params.length} core parameters; the worker channel has ${argumentSlots} slots`);
    }
  }
  const importsType = target.importsType;
  file.push(
    `import { ARG_I32, ARG_I64, type ForwardChannel } from "../../worker/channel-layout.js";`,
    `import type { ${importsType} } from "./glue.js";`,
    ``,
    `/** The channel's function numbers: a function's index in this list. */
export const forwardedFunctions = [${views.map((view) => JSON.stringify(view.name)).join(", ")}] as const;`,
    `/** The worker's import object: every function sends its core arguments over \`channel\` and returns the host thread's answer. */
export function forward${importsType}(channel: ForwardChannel): ${importsType} {
  const i32 = channel.i32;
  const i64 = channel.i64;
  return {
${views.map((view, index) => forwarder(view, index)).join("\n")}
  };
}`,
    `/**
 * The host thread's end: calls function \`index\` of \`imports\` (the generated glue)
 * with the arguments the worker stored in the slots.
 */
export function dispatch${importsType}(imports: ${importsType}, index: number, i32: Int32Array, i64: BigInt64Array): number | void {
  switch (index) {
${views.map((view, index) => `    case ${index}:\n      return imports.${view.name}(${view.lowered.params.map(slotExpression).join(", ")});`).join("\n")}
    default:
      throw new RangeError(\`no ${importsType} function number \${index}\`);
  }
}`,
  );
}

function slotExpression(param: AbiParam, slot: number): string {
  return param.core === "i64" ? `i64[ARG_I64 + ${slot}]` : `i32[ARG_I32 + ${slot * 2}]`;
}

function forwarder(view: HostView, index: number): string {
  const params = view.lowered.params;
  const signature = params.map((param) => `${variableName(param.name)}: ${param.core === "i64" ? "bigint" : "number"}`).join(", ");
  const stores = params.map((param, slot) => `      ${slotExpression(param, slot)} = ${variableName(param.name)};`);
  if (view.lowered.func.noreturn) {
    return [
      `    ${view.name}(${signature}): never {`,
      ...stores,
      `      channel.call(${index});`,
      `      throw new WebAssembly.RuntimeError(${JSON.stringify(`${view.name} returned to the guest, which it must never do`)});`,
      `    },`,
    ].join("\n");
  }
  const returns = view.lowered.results.length === 0 ? "void" : "number";
  const call = returns === "void" ? `      channel.call(${index});` : `      return channel.call(${index});`;
  return [`    ${view.name}(${signature}): ${returns} {`, ...stores, call, `    },`].join("\n");
}
