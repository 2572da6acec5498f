/**
 * Emits `unimplemented.ts`: a host whose every method refuses with one errno
 * (`nosys` by default). It is the empty starting point for hosts that implement
 * only a few functions (tests, sandboxes that deny most calls, extension authors
 * who override a subset); generated, so a new witx function is covered without edits.
 */
import type { Target } from "../targets.js";
import type { EmitAbi, EmitModel, EmittedFile } from "./emitter.js";
import { argumentName, hostArgumentType, successType } from "./host-signatures.js";
import { tsType } from "./ts-types.js";
import { indentLines, wrapList } from "./wrap.js";

export function emitUnimplemented(target: Target, _model: EmitModel, abi: EmitAbi): EmittedFile {
  const factory = `unimplemented${target.hostInterface}`;
  const methods = abi.views.map((view) => {
    const parameters = view.arguments.map((argument) => `_${argumentName(argument)}: ${hostArgumentType(argument)}`);
    const success = successType(view);
    if (success !== null) parameters.push(`_result: Out<${success}>`);
    const result = view.lowered.errorType === null ? "void" : tsType(view.lowered.errorType, "t.");
    const body =
      view.lowered.errorType === null
        ? [`throw new WebAssembly.RuntimeError(${JSON.stringify(`${view.name} is not implemented by this host`)});`]
        : [`return refusal;`];
    return [...indentLines(wrapList(`${view.name}(`, parameters, `: ${result} {`, 4), 4), ...indentLines(body, 6), `    },`].join("\n");
  });
  return {
    name: "unimplemented.ts",
    purpose: `A ${target.hostInterface} that refuses every call: the empty starting point for partial hosts.`,
    imports: [
      { from: "../../runtime/index.js", names: ["GuestPointer", "Out"] },
      { from: "./types.js", namespace: "t" },
      { from: "./host.js", names: [target.hostInterface] },
    ],
    declarations: [
      [
        `/** A \`${target.hostInterface}\` that answers every call with \`refusal\`; functions without an errno result trap. */`,
        `export function ${factory}(refusal: t.Errno = t.errno.nosys): ${target.hostInterface} {`,
        `  return {`,
        methods.join("\n\n"),
        `  };`,
        `}`,
      ].join("\n"),
    ],
  };
}
