/**
 * Emits `unimplemented.ts`: a host whose every method refuses with one errno
 * (`nosys` by default). It is the empty starting point for hosts that implement
 * only a few functions (tests, sandboxes that deny most calls, extension authors
 * who override a subset); generated, so a new witx function is covered without edits.
 */
import type { Statements } from "./project.js";
import type { Target } from "../targets.js";
import { hostArgumentType, successType, type HostView } from "./host-view.js";
import { tsType } from "./ts-types.js";

export function emitUnimplemented(file: Statements, target: Target, views: readonly HostView[]): void {
  const factory = `unimplemented${target.hostInterface}`;
  const methods = views.map((view) => {
    const parameters = view.arguments.map((argument) => `_${argument.name}: ${hostArgumentType(argument)}`);
    const success = successType(view);
    if (success !== null) parameters.push(`_result: Out<${success}>`);
    const signature = `${view.name}(${parameters.join(", ")})`;
    if (view.lowered.errorType === null) {
      return `    ${signature}: void {\n      throw new WebAssembly.RuntimeError(${JSON.stringify(`${view.name} is not implemented by this host`)});\n    },`;
    }
    return `    ${signature}: ${tsType(view.lowered.errorType, "t.")} {\n      return refusal;\n    },`;
  });
  file.push(
    `import type { GuestPointer, Out } from "../../runtime/index.js";`,
    `import * as t from "./types.js";`,
    `import type { ${target.hostInterface} } from "./host.js";`,
    ``,
    `/** A \`${target.hostInterface}\` that answers every call with \`refusal\`; functions without an errno result trap. */
export function ${factory}(refusal: t.Errno = t.errno.nosys): ${target.hostInterface} {
  return {
${methods.join("\n")}
  };
}`,
  );
}
