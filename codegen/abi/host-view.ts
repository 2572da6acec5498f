/**
 * What a host method receives for each witx function: the lowered core parameters
 * regrouped into typed values. This is the one place the pairing rules live, so the
 * host-interface emitter and the glue emitter cannot disagree:
 *
 * - a scalar, enum, flags or handle → its typed value (the glue checks enum and flag values);
 * - a `string` → a decoded JS string (the glue checks the range and UTF-8);
 * - `(@witx pointer u8)` followed by a `<name>_len` size → a `Uint8Array` view of that range;
 * - a `list` of byte-buffer records (iovecs) → `Uint8Array[]`, one view per buffer;
 * - any other `list` → an array of decoded records;
 * - any other pointer → a `GuestPointer<T>` whose accesses are checked;
 * - the `expected` success values → one reusable `Out<T>`, written back only on success.
 */
import type { Param, Type, TypeRef } from "../model/types.js";
import { resolve } from "../model/walk.js";
import { byteBufferFields, isByte, isU32 } from "./byte-buffers.js";
import { recordLayout } from "./layout.js";
import type { AbiParam, LoweredFunc } from "./lowering-types.js";

export type HostArgument =
  | { readonly kind: "value"; readonly param: Param; readonly abi: AbiParam; readonly check: ValueCheck }
  | { readonly kind: "string"; readonly param: Param; readonly pointer: AbiParam; readonly length: AbiParam }
  | { readonly kind: "bytes"; readonly param: Param; readonly pointer: AbiParam; readonly length: AbiParam }
  | {
      readonly kind: "buffers";
      readonly param: Param;
      readonly pointer: AbiParam;
      readonly length: AbiParam;
      readonly element: { readonly size: number; readonly align: number; readonly pointerOffset: number; readonly lengthOffset: number };
    }
  | { readonly kind: "records"; readonly param: Param; readonly pointer: AbiParam; readonly length: AbiParam; readonly element: TypeRef }
  | { readonly kind: "pointer"; readonly param: Param; readonly abi: AbiParam; readonly pointee: TypeRef };

/** How the glue turns a raw core value into the typed one, and which values it rejects (bad enum, bad flags). */
export type ValueCheck =
  | { readonly kind: "unsigned32" }
  | { readonly kind: "narrow"; readonly mask: number }
  | { readonly kind: "signed32" }
  | { readonly kind: "unsigned64" }
  | { readonly kind: "signed64" }
  | { readonly kind: "float" }
  | { readonly kind: "enum"; readonly count: number; readonly wide: boolean }
  | { readonly kind: "flags"; readonly all: bigint; readonly wide: boolean };

export interface HostView {
  readonly lowered: LoweredFunc;
  readonly name: string;
  readonly arguments: readonly HostArgument[];
  /** The out-pointers, in order; empty when the function returns nothing but errno. */
  readonly outs: readonly Extract<AbiParam, { role: "out" }>[];
}

export function hostView(lowered: LoweredFunc): HostView {
  const args: HostArgument[] = [];
  const abi = lowered.params;
  const consumed = new Set<AbiParam>();
  for (let i = 0; i < abi.length; i++) {
    const entry = abi[i];
    if (consumed.has(entry) || entry.role === "out") continue;
    const param = entry.param;
    const type = resolve(param.type);
    if (entry.role === "value") {
      args.push({ kind: "value", param, abi: entry, check: valueCheck(type) });
    } else if (entry.role === "sequence") {
      const length = abi[i + 1];
      consumed.add(length);
      if (type.kind === "string") {
        args.push({ kind: "string", param, pointer: entry, length });
      } else if (type.kind === "list") {
        const element = resolve(type.element);
        const buffer = byteBufferFields(element);
        if (buffer && element.kind === "record") {
          const layout = recordLayout(type.element);
          const index = (field: string) => element.fields.findIndex((candidate) => candidate.name === field);
          args.push({
            kind: "buffers",
            param,
            pointer: entry,
            length,
            element: {
              size: layout.size,
              align: layout.align,
              pointerOffset: layout.fields[index(buffer.pointer)].offset,
              lengthOffset: layout.fields[index(buffer.length)].offset,
            },
          });
        } else {
          args.push({ kind: "records", param, pointer: entry, length, element: type.element });
        }
      } else {
        throw new Error(`${lowered.func.name}: a sequence parameter must be a string or a list`);
      }
    } else {
      const next = abi[i + 1];
      if (
        type.kind === "pointer" &&
        isByte(type.pointee) &&
        next !== undefined &&
        next.role === "value" &&
        next.param.name === `${param.name}_len` &&
        isU32(next.param.type)
      ) {
        consumed.add(next);
        args.push({ kind: "bytes", param, pointer: entry, length: next });
      } else if (type.kind === "pointer") {
        args.push({ kind: "pointer", param, abi: entry, pointee: type.pointee });
      } else {
        throw new Error(`${lowered.func.name}: parameter ${param.name} is not a pointer`);
      }
    }
  }
  const outs = abi.filter((entry): entry is Extract<AbiParam, { role: "out" }> => entry.role === "out");
  return { lowered, name: lowered.func.name, arguments: args, outs };
}

function valueCheck(type: Type): ValueCheck {
  switch (type.kind) {
    case "builtin":
      switch (type.name) {
        case "u8":
        case "char":
          return { kind: "narrow", mask: 0xff };
        case "u16":
          return { kind: "narrow", mask: 0xffff };
        case "u32":
          return { kind: "unsigned32" };
        case "u64":
          return { kind: "unsigned64" };
        case "s64":
          return { kind: "signed64" };
        case "f32":
        case "f64":
          return { kind: "float" };
        default:
          return { kind: "signed32" };
      }
    case "handle":
      return { kind: "unsigned32" };
    case "enum":
      return { kind: "enum", count: type.cases.length, wide: type.tag === "u64" };
    case "flags":
      return { kind: "flags", all: (1n << BigInt(type.flags.length)) - 1n, wide: type.repr === "u64" };
    default:
      throw new Error(`a ${type.kind} cannot be passed by value`);
  }
}
