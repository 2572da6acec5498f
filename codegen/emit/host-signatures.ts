/**
 * The TypeScript spelling of a host view: the parameter names and types a host
 * method receives, and its success type. Shared by the host, glue and
 * unimplemented emitters so that the three agree on every signature.
 */
import type { HostArgument, HostView } from "../abi/host-view.js";
import type { TypeRef } from "../model/types.js";
import { resolve } from "../model/walk.js";
import { variableName } from "./names.js";
import { tsType } from "./ts-types.js";

/** The name a host method's parameter (and the glue's local for it) has. */
export function argumentName(argument: HostArgument): string {
  return variableName(argument.param.name);
}

/** The TypeScript type a host method sees for an argument (`t.` qualifies generated type names). */
export function hostArgumentType(argument: HostArgument): string {
  switch (argument.kind) {
    case "value":
    case "string":
      return tsType(argument.param.type, "t.");
    case "bytes":
      return "Uint8Array";
    case "buffers":
      return "readonly Uint8Array[]";
    case "records":
      return `readonly ${tsType(argument.element, "t.")}[]`;
    case "pointer":
      return `GuestPointer<${pointeeType(argument.pointee)}>`;
  }
}

/** The TypeScript type a pointer to `ref` points at (`GuestPointer<...>` for a pointer to a pointer). */
export function pointeeType(ref: TypeRef): string {
  const type = resolve(ref);
  if (type.kind === "pointer") return `GuestPointer<${pointeeType(type.pointee)}>`;
  return tsType(ref, "t.");
}

/** The TypeScript type of a function's success value (`Out<...>`'s parameter), or null when there is none. */
export function successType(view: HostView): string | null {
  if (view.outs.length === 0) return null;
  if (view.outs.length === 1) return outValueType(view.outs[0].type);
  return `[${view.outs.map((out) => outValueType(out.type)).join(", ")}]`;
}

/**
 * A u64 success value (a timestamp, a file size or offset) may be handed back as a
 * number as well as a bigint: the glue stores either (src/runtime/memory.ts,
 * `storeU64`), and the number form spares a hot call such as a clock reading or a
 * seek the allocation of a BigInt. Readers of such an `Out` see both forms, so
 * the compiler points at every one that assumed a bigint.
 */
function outValueType(ref: TypeRef): string {
  const type = resolve(ref);
  const typed = tsType(ref, "t.");
  return type.kind === "builtin" && type.name === "u64" ? `${typed} | number` : typed;
}
