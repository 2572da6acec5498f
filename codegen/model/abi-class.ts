/**
 * How the wasm32 C ABI that wasi-libc uses passes each kind of witx type.
 * Validation uses this to reject functions that cannot be lowered, and
 * lowering uses it to lower the rest, so the two cannot disagree.
 */
import type { IntRepr, Type, TypeRef } from "./types.js";
import { resolve } from "./walk.js";

/** A core-wasm value type, as a function parameter or result carries it. */
export type CoreType = "i32" | "i64" | "f32" | "f64";

/** How a function parameter of this type crosses the boundary, or why it cannot. */
export type ParamClass =
  | { readonly kind: "value"; readonly core: CoreType }
  | { readonly kind: "pointer" }
  | { readonly kind: "sequence" }
  | { readonly kind: "unsupported"; readonly reason: string };

export function classifyParam(type: Type): ParamClass {
  switch (type.kind) {
    case "builtin":
      return { kind: "value", core: builtinCore(type.name) };
    case "enum":
      return { kind: "value", core: reprCore(type.tag) };
    case "flags":
      return { kind: "value", core: reprCore(type.repr) };
    case "handle":
      return { kind: "value", core: "i32" };
    case "pointer":
      return { kind: "pointer" };
    case "string":
    case "list":
      return { kind: "sequence" };
    case "record":
    case "variant":
      return { kind: "unsupported", reason: `a ${type.kind} cannot be passed by value; pass a (@witx pointer T) to it` };
    case "expected":
    case "tuple":
      return { kind: "unsupported", reason: `a ${type.kind} can only be a function result` };
  }
}

function builtinCore(name: string): CoreType {
  switch (name) {
    case "u64":
    case "s64":
      return "i64";
    case "f32":
      return "f32";
    case "f64":
      return "f64";
    default:
      return "i32";
  }
}

/** Enums and flags travel as their representation: 64-bit ones as i64, the rest widened to i32. */
function reprCore(repr: IntRepr): CoreType {
  return repr === "u64" ? "i64" : "i32";
}

/**
 * Whether a success value of this type can be stored through an out-pointer:
 * anything with a fixed memory layout that the guest owns entirely.
 * Strings and lists are not (nobody would own their buffer), nor are
 * expected and tuple values themselves.
 */
export function storableThroughPointer(type: Type): boolean {
  switch (type.kind) {
    case "builtin":
    case "enum":
    case "flags":
    case "handle":
    case "record":
    case "variant":
    case "pointer":
      return true;
    default:
      return false;
  }
}

/** The success values of an `expected`'s ok type: none, one, or one per tuple element. */
export function successValues(ok: TypeRef | null): readonly TypeRef[] {
  if (ok === null) return [];
  const type = resolve(ok);
  return type.kind === "tuple" ? type.elements : [ok];
}

/** Error types that fit the function's single i32 return value: enums of 32 bits or fewer. */
export function returnableError(type: Type): boolean {
  return type.kind === "enum" && type.tag !== "u64";
}
