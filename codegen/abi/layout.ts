/**
 * Memory layout of witx types, equal to the wasm32 C ABI that wasi-libc's
 * <wasi/api.h> structs have:
 *
 * - builtins their natural size and alignment (char is a u32 code point);
 * - pointers and handles 4/4; enums and flags the size of their repr;
 * - `string` and `(list T)` stored in memory are a (pointer, length) pair of
 *   two u32s, 8/4, the shape of iovec (as parameters they are two i32s);
 * - a record is a C struct: each field at the next multiple of its
 *   alignment, the size rounded up to the largest alignment;
 * - a variant (`union` or `variant`) is its tag, then the payload at the
 *   largest payload alignment, the size rounded up to the overall alignment;
 * - a tuple is laid out as a record of its elements, and an `expected` as a
 *   variant with a u8 tag over an ok and an error case (neither is stored by
 *   WASI today; this only makes every type answer).
 *
 * Layouts are memoized per Type object, so per NamedType.
 */
import type { Field, IntRepr, NamedType, Type, TypeRef } from "../model/types.js";
import { resolve } from "../model/walk.js";

export interface Layout {
  readonly size: number;
  readonly align: number;
}

interface FieldLayout extends Layout {
  readonly name: string;
  readonly offset: number;
  readonly field: Field;
}

export interface RecordLayout extends Layout {
  readonly fields: readonly FieldLayout[];
}

export interface VariantLayout extends Layout {
  readonly tagSize: number;
  readonly payloadOffset: number;
  /** The largest payload's size, 0 when no case carries one. */
  readonly payloadSize: number;
}

type RecordType = Extract<Type, { kind: "record" }>;
type VariantType = Extract<Type, { kind: "variant" }>;

/** Anything that names or is a type. */
export type Layoutable = Type | TypeRef | NamedType;

function typeOf(of: Layoutable): Type {
  if (!("kind" in of)) return of.type;
  if (of.kind === "named" || of.kind === "inline") return resolve(of);
  return of;
}

const memo = new WeakMap<Type, Layout>();

export function layoutOf(of: Layoutable): Layout {
  const type = typeOf(of);
  let layout = memo.get(type);
  if (layout === undefined) {
    layout = computeLayout(type);
    memo.set(type, layout);
  }
  return layout;
}

export function sizeOf(of: Layoutable): number {
  return layoutOf(of).size;
}

export function alignOf(of: Layoutable): number {
  return layoutOf(of).align;
}

function alignUp(offset: number, align: number): number {
  return Math.ceil(offset / align) * align;
}

const REPR_SIZE: Record<IntRepr, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };

function scalar(size: number): Layout {
  return { size, align: size };
}

function computeLayout(type: Type): Layout {
  switch (type.kind) {
    case "builtin":
      switch (type.name) {
        case "u8":
        case "s8":
          return scalar(1);
        case "u16":
        case "s16":
          return scalar(2);
        case "u64":
        case "s64":
        case "f64":
          return scalar(8);
        default:
          return scalar(4);
      }
    case "string":
    case "list":
      return { size: 8, align: 4 };
    case "pointer":
    case "handle":
      return scalar(4);
    case "enum":
      return scalar(REPR_SIZE[type.tag]);
    case "flags":
      return scalar(REPR_SIZE[type.repr]);
    case "record":
      return recordLayout(type);
    case "tuple":
      return structOf(type.elements);
    case "variant":
      return variantLayout(type);
    case "expected":
      return variantOf(1, [type.ok, type.error]);
  }
}

const recordMemo = new WeakMap<Type, RecordLayout>();

/** Field offsets of a record, C struct rules. */
export function recordLayout(of: RecordType | TypeRef | NamedType): RecordLayout {
  const type = typeOf(of);
  if (type.kind !== "record") throw new Error(`recordLayout of a ${type.kind}`);
  let layout = recordMemo.get(type);
  if (layout === undefined) {
    const struct = structOf(type.fields.map((field) => field.type));
    layout = {
      size: struct.size,
      align: struct.align,
      fields: type.fields.map((field, i) => ({ name: field.name, field, ...struct.members[i] })),
    };
    recordMemo.set(type, layout);
  }
  return layout;
}

/** The C struct of these members in order: one "align, then add" step each. */
function structOf(members: readonly TypeRef[]): Layout & { members: { offset: number; size: number; align: number }[] } {
  let offset = 0;
  let align = 1;
  const placed = members.map((member) => {
    const layout = layoutOf(member);
    offset = alignUp(offset, layout.align);
    const at = { offset, size: layout.size, align: layout.align };
    offset += layout.size;
    align = Math.max(align, layout.align);
    return at;
  });
  return { size: alignUp(offset, align), align, members: placed };
}

const variantMemo = new WeakMap<Type, VariantLayout>();

/** Tag and payload placement of a `union` or `variant`. */
export function variantLayout(of: VariantType | TypeRef | NamedType): VariantLayout {
  const type = typeOf(of);
  if (type.kind !== "variant") throw new Error(`variantLayout of a ${type.kind}`);
  let layout = variantMemo.get(type);
  if (layout === undefined) {
    layout = variantOf(
      REPR_SIZE[type.tag],
      type.cases.map((c) => c.type),
    );
    variantMemo.set(type, layout);
  }
  return layout;
}

function variantOf(tagSize: number, payloads: readonly (TypeRef | null)[]): VariantLayout {
  let payloadSize = 0;
  let payloadAlign = 1;
  for (const payload of payloads) {
    if (payload === null) continue;
    const layout = layoutOf(payload);
    payloadSize = Math.max(payloadSize, layout.size);
    payloadAlign = Math.max(payloadAlign, layout.align);
  }
  const align = Math.max(tagSize, payloadAlign);
  const payloadOffset = alignUp(tagSize, payloadAlign);
  return { size: alignUp(payloadOffset + payloadSize, align), align, tagSize, payloadOffset, payloadSize };
}
