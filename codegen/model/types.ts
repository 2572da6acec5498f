/**
 * The validated witx model: every name resolved, every type checked.
 * Layout and lowering read only this; emitters read this plus their output.
 * Doc text is kept for emission but ignored when two models are compared.
 */
import type { SourceLocation } from "../reader/ast.js";

export type IntRepr = "u8" | "u16" | "u32" | "u64";
export type BuiltinName = "u8" | "u16" | "u32" | "u64" | "s8" | "s16" | "s32" | "s64" | "f32" | "f64" | "char";

/** A use of a type: either a name that refers to a `typename`, or a type written inline. */
export type TypeRef =
  | { readonly kind: "named"; readonly name: string; readonly target: NamedType }
  | { readonly kind: "inline"; readonly type: Type };

export interface Case {
  readonly name: string;
  readonly doc: string;
}

export interface Field {
  readonly name: string;
  readonly type: TypeRef;
  readonly doc: string;
}

export interface VariantCase {
  readonly name: string;
  /** The payload, or null for a case that carries nothing. */
  readonly type: TypeRef | null;
  readonly doc: string;
}

export type Type =
  | { readonly kind: "builtin"; readonly name: BuiltinName }
  | { readonly kind: "string" }
  | { readonly kind: "list"; readonly element: TypeRef }
  | { readonly kind: "pointer"; readonly constant: boolean; readonly pointee: TypeRef }
  /** Case i has value i. */
  | { readonly kind: "enum"; readonly tag: IntRepr; readonly cases: readonly Case[] }
  /** Flag i is bit `1 << i`. */
  | { readonly kind: "flags"; readonly repr: IntRepr; readonly flags: readonly Case[] }
  | { readonly kind: "record"; readonly fields: readonly Field[] }
  /**
   * `union` (tagged by a named enum, one payload type per enum case) and `variant`
   * (explicit cases) both become this. `tagEnum` names the enum of a `union`.
   */
  | {
      readonly kind: "variant";
      readonly tag: IntRepr;
      readonly tagEnum: TypeRef | null;
      readonly cases: readonly VariantCase[];
    }
  | { readonly kind: "handle" }
  | { readonly kind: "expected"; readonly ok: TypeRef | null; readonly error: TypeRef | null }
  | { readonly kind: "tuple"; readonly elements: readonly TypeRef[] };

export interface NamedType {
  readonly name: string;
  readonly type: Type;
  readonly doc: string;
  readonly loc: SourceLocation;
}

export interface Param {
  readonly name: string;
  readonly type: TypeRef;
  readonly doc: string;
  readonly loc: SourceLocation;
}

export interface Func {
  readonly name: string;
  readonly params: readonly Param[];
  /** At most one result (an `expected`), none for `(@witx noreturn)` functions. */
  readonly results: readonly Param[];
  readonly noreturn: boolean;
  readonly doc: string;
  readonly loc: SourceLocation;
}

export interface ModuleImport {
  readonly name: string;
  readonly kind: "memory";
}

export interface Module {
  readonly name: string;
  readonly imports: readonly ModuleImport[];
  readonly functions: readonly Func[];
  readonly doc: string;
  readonly loc: SourceLocation;
}

export interface Document {
  /** Every `typename`, in the order the files define them (a `use`d file's types come first). */
  readonly types: readonly NamedType[];
  readonly typesByName: ReadonlyMap<string, NamedType>;
  readonly modules: readonly Module[];
  /** Every file read, the entry file last, as absolute paths, with their text (for the generated header's sha256). */
  readonly sources: readonly { readonly path: string; readonly text: string }[];
}
