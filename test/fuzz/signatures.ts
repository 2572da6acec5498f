/**
 * What the fuzzer knows about each import: its core-wasm parameters, read
 * from the same witx model and lowering the code generator uses, so that the
 * fuzzer follows the spec rather than our reading of it, and covers a new
 * function the day it is added to the witx.
 *
 * Each parameter gets a shape the argument generator understands; the
 * function list itself comes from the generated glue (`Object.keys` of the
 * import object), and `loadSignatures` fails if the two disagree.
 */
import { fileURLToPath } from "node:url";
import { alignOf, recordLayout, sizeOf, variantLayout } from "../../codegen/abi/layout.js";
import { coreSignature, lowerFunction } from "../../codegen/abi/lowering.js";
import { resolve } from "../../codegen/model/walk.js";
import { loadWitx } from "../../codegen/model/load.js";
import type { Type, TypeRef } from "../../codegen/model/types.js";

type ParamShape =
  /** A descriptor number. */
  | { readonly kind: "fd" }
  /** A flags value with `count` defined bits. */
  | { readonly kind: "flags"; readonly count: number }
  /** An enum with `count` cases. */
  | { readonly kind: "enum"; readonly count: number }
  /** Any other integer (sizes, offsets, timestamps, cookies, exit codes). */
  | { readonly kind: "integer"; readonly typeName: string | null }
  /** The address of a string; its byte length is parameter `lengthIndex`. */
  | { readonly kind: "string"; readonly lengthIndex: number }
  /** The address of a list of `elementSize`-byte records; the count is parameter `lengthIndex`. */
  | {
      readonly kind: "list";
      readonly lengthIndex: number;
      readonly elementSize: number;
      readonly elementAlign: number;
      /** The element is an iovec (a buffer the host writes into) or a ciovec. */
      readonly buffers: "read-into" | "write-from" | "none";
    }
  /** The length part of a string or list; generated with its address. */
  | { readonly kind: "length" }
  /**
   * A pointer parameter. `countIndex` is the parameter that says how many
   * pointees it covers (`buf` + `buf_len`, `out` + `nsubscriptions`), or null.
   */
  | {
      readonly kind: "pointer";
      readonly writable: boolean;
      readonly pointeeSize: number;
      readonly pointeeAlign: number;
      readonly countIndex: number | null;
    }
  /** Where a success value is stored. */
  | { readonly kind: "out"; readonly size: number; readonly align: number };

export interface ParamSpec {
  readonly name: string;
  readonly core: "i32" | "i64";
  readonly shape: ParamShape;
}

export interface FunctionSpec {
  readonly name: string;
  readonly params: readonly ParamSpec[];
  /** False for proc_exit, which does not return. */
  readonly returns: boolean;
}

export type WitxVersion = "preview1" | "unstable";

const entryWitx: Record<WitxVersion, string> = {
  preview1: "../../witx/preview1/wasi_snapshot_preview1.witx",
  unstable: "../../witx/preview0/wasi_unstable.witx",
};

function typeName(ref: TypeRef): string | null {
  return ref.kind === "named" ? ref.name : null;
}

function valueShape(ref: TypeRef): ParamShape {
  const type = resolve(ref);
  const name = typeName(ref);
  if (name === "fd" || type.kind === "handle") return { kind: "fd" };
  if (type.kind === "flags") return { kind: "flags", count: type.flags.length };
  if (type.kind === "enum") return { kind: "enum", count: type.cases.length };
  return { kind: "integer", typeName: name };
}

/** Which buffers an iovec-like list element describes, judged by its record: (pointer u8 / const_pointer u8, size). */
function listBuffers(element: Type): "read-into" | "write-from" | "none" {
  if (element.kind !== "record" || element.fields.length !== 2) return "none";
  const first = resolve(element.fields[0].type);
  if (first.kind !== "pointer") return "none";
  return first.constant ? "write-from" : "read-into";
}

/**
 * Where a clock subscription keeps its timeout and flags, so that the fuzzer
 * can cap the timeouts of the random subscriptions it hands poll_oneoff
 * (it would otherwise sleep for hours). Offsets are within one subscription.
 */
export interface PollLayout {
  readonly subscriptionSize: number;
  readonly tagOffset: number;
  /** Where every case's payload starts (an fd event's descriptor is its first field). */
  readonly payloadOffset: number;
  /** The tag value of the clock case. */
  readonly clockTag: number;
  readonly clockIdOffset: number;
  readonly timeoutOffset: number;
  readonly clockFlagsOffset: number;
}

export interface WitxFacts {
  readonly functions: FunctionSpec[];
  readonly poll: PollLayout;
  /** How many errno values there are: a returned errno must be below this. */
  readonly errnoCount: number;
}

function pollLayoutOf(document: ReturnType<typeof loadWitx>): PollLayout {
  const subscription = document.typesByName.get("subscription");
  if (subscription === undefined) throw new Error("no subscription type in the witx");
  const record = recordLayout(subscription);
  const union = record.fields.find((field) => resolve(field.field.type).kind === "variant");
  if (union === undefined) throw new Error("subscription has no union field");
  const unionType = resolve(union.field.type);
  if (unionType.kind !== "variant") throw new Error("unreachable");
  const variant = variantLayout(unionType);
  const clockTag = unionType.cases.findIndex((c) => c.name === "clock");
  const clock = unionType.cases[clockTag]?.type;
  if (clock == null) throw new Error("subscription union has no clock case");
  const clockRecord = recordLayout(clock);
  const field = (name: string): number => {
    const found = clockRecord.fields.find((f) => f.name === name);
    if (found === undefined) throw new Error(`subscription_clock has no ${name}`);
    return union.offset + variant.payloadOffset + found.offset;
  };
  return {
    subscriptionSize: record.size,
    tagOffset: union.offset,
    payloadOffset: union.offset + variant.payloadOffset,
    clockTag,
    clockIdOffset: field("id"),
    timeoutOffset: field("timeout"),
    clockFlagsOffset: field("flags"),
  };
}

export function loadWitxFacts(version: WitxVersion): WitxFacts {
  const document = loadWitx(fileURLToPath(new URL(entryWitx[version], import.meta.url)));
  const errnoType = document.typesByName.get("errno")?.type;
  if (errnoType?.kind !== "enum") throw new Error("no errno enum in the witx");
  return { functions: signaturesOf(document), poll: pollLayoutOf(document), errnoCount: errnoType.cases.length };
}

function signaturesOf(document: ReturnType<typeof loadWitx>): FunctionSpec[] {
  const functions: FunctionSpec[] = [];
  for (const module of document.modules) {
    for (const func of module.functions) {
      const lowered = lowerFunction(func);
      const core = coreSignature(lowered).params;
      const names = lowered.params.map((param) => param.name);
      // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch below returns for every role (tsc checks it is exhaustive).
      const params = lowered.params.map((param, index): ParamSpec => {
        const coreType = core[index] === "i64" ? "i64" : "i32";
        switch (param.role) {
          case "value":
            return { name: param.name, core: coreType, shape: valueShape(param.param.type) };
          case "out":
            return { name: param.name, core: "i32", shape: { kind: "out", size: sizeOf(param.type), align: alignOf(param.type) } };
          case "sequence": {
            if (param.part === "len") return { name: param.name, core: "i32", shape: { kind: "length" } };
            const type = resolve(param.param.type);
            if (type.kind === "string") return { name: param.name, core: "i32", shape: { kind: "string", lengthIndex: index + 1 } };
            const element = type.kind === "list" ? type.element : null;
            if (element === null) throw new Error(`${func.name}.${param.name}: a sequence that is neither string nor list`);
            return {
              name: param.name,
              core: "i32",
              shape: {
                kind: "list",
                lengthIndex: index + 1,
                elementSize: sizeOf(element),
                elementAlign: alignOf(element),
                buffers: listBuffers(resolve(element)),
              },
            };
          }
          case "pointer": {
            const type = resolve(param.param.type);
            if (type.kind !== "pointer") throw new Error(`${func.name}.${param.name}: not a pointer`);
            // `buf` is measured by `buf_len`; an array of records by the one
            // `size` parameter the function has (poll_oneoff's nsubscriptions).
            let countIndex = names.indexOf(`${param.name}_len`);
            if (countIndex < 0 && resolve(type.pointee).kind === "record") {
              const sizes = lowered.params.flatMap((other, at) =>
                other.role === "value" && typeName(other.param.type) === "size" ? [at] : [],
              );
              if (sizes.length === 1) countIndex = sizes[0];
            }
            return {
              name: param.name,
              core: "i32",
              shape: {
                kind: "pointer",
                writable: !type.constant,
                pointeeSize: sizeOf(type.pointee),
                pointeeAlign: alignOf(type.pointee),
                countIndex: countIndex < 0 ? null : countIndex,
              },
            };
          }
        }
      });
      functions.push({ name: func.name, params, returns: lowered.results.length > 0 });
    }
  }
  return functions;
}
