/**
 * Type expressions: turns the `T` of `(typename $x T)`, `(field $f T)`,
 * `(param $p T)` and friends into model Types and TypeRefs.
 */
import type { Atom, List, SExpr } from "../reader/ast.js";
import { WitxError } from "../reader/errors.js";
import type { BuiltinName, Case, Field, IntRepr, NamedType, Type, TypeRef, VariantCase } from "./types.js";
import {
  annotationOf,
  expectIdentifier,
  expectList,
  expectNoMore,
  headKeyword,
  isWitxAnnotation,
  show,
  unknownAnnotation,
} from "./forms.js";
import type { SourceMap } from "./source-map.js";

const BUILTINS: ReadonlySet<string> = new Set<BuiltinName>(["u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char"]);
const INT_REPRS: ReadonlySet<string> = new Set<IntRepr>(["u8", "u16", "u32", "u64"]);

const TYPE_EXPECTED =
  "a type: a builtin (u8 u16 u32 u64 s8 s16 s32 s64 f32 f64 char), string, $name, " +
  "(list T), (@witx pointer T), (@witx const_pointer T), (enum ...), (flags ...), (record ...), " +
  "(union ...), (variant ...), (handle), (expected ...) or (tuple ...)";

/** What a type expression may look up while it is being built. */
export interface TypeScope {
  readonly sourceMap: SourceMap;
  /** The typename called `name`, or a located "unknown type" failure at `atom`. */
  lookup(name: string, atom: Atom): NamedType;
  /**
   * The type of a typename, building it first if it has not been built yet;
   * null while it is still being built (a union tagged by itself).
   */
  typeOf(named: NamedType): Type | null;
}

export function buildTypeRef(expr: SExpr, scope: TypeScope): TypeRef {
  if (expr.type === "atom" && expr.kind === "identifier") {
    const ref: TypeRef = { kind: "named", name: expr.value, target: scope.lookup(expr.value, expr) };
    return scope.sourceMap.record(ref, expr.loc);
  }
  const ref: TypeRef = { kind: "inline", type: buildType(expr, scope) };
  return scope.sourceMap.record(ref, expr.loc);
}

/** A type written out (not a `$name`): the body of a typename, or an inline type. */
export function buildType(expr: SExpr, scope: TypeScope): Type {
  return scope.sourceMap.record(typeFrom(expr, scope), expr.loc);
}

function typeFrom(expr: SExpr, scope: TypeScope): Type {
  if (expr.type === "atom") {
    if (expr.kind === "keyword" && BUILTINS.has(expr.value)) {
      return { kind: "builtin", name: expr.value as BuiltinName };
    }
    if (expr.kind === "keyword" && expr.value === "string") return { kind: "string" };
    throw new WitxError(expr.loc, `unknown type ${show(expr)}: expected ${TYPE_EXPECTED}`);
  }
  const annotation = annotationOf(expr);
  if (annotation !== null) {
    if (annotation.annotation === "witx" && (annotation.word === "pointer" || annotation.word === "const_pointer")) {
      const pointee = expr.items[2];
      if (pointee === undefined) throw new WitxError(expr.loc, `expected the pointee type in ${show(expr)}`);
      expectNoMore(expr, 3, `(@witx ${annotation.word} T)`);
      return { kind: "pointer", constant: annotation.word === "const_pointer", pointee: buildTypeRef(pointee, scope) };
    }
    throw unknownAnnotation(expr, `a type, where the only annotations are (@witx pointer T) and (@witx const_pointer T)`);
  }
  switch (headKeyword(expr)) {
    case "list":
      return { kind: "list", element: buildTypeRef(single(expr, "(list T)"), scope) };
    case "enum":
      return buildEnum(expr, scope);
    case "flags":
      return buildFlags(expr, scope);
    case "record":
      return buildRecord(expr, scope);
    case "union":
      return buildUnion(expr, scope);
    case "variant":
      return buildVariant(expr, scope);
    case "handle":
      expectNoMore(expr, 1, "(handle)");
      return { kind: "handle" };
    case "expected":
      return buildExpected(expr, scope);
    case "tuple":
      return { kind: "tuple", elements: expr.items.slice(1).map((item) => buildTypeRef(item, scope)) };
    default:
      throw new WitxError(expr.loc, `unknown type form ${show(expr)}: expected ${TYPE_EXPECTED}`);
  }
}

/** The one operand of `(list T)`. */
function single(list: List, form: string): SExpr {
  const operand = list.items[1];
  if (operand === undefined) throw new WitxError(list.loc, `expected ${form}, found ${show(list)} without its type`);
  expectNoMore(list, 2, form);
  return operand;
}

/** The `u8` of the `(@witx <word> u8)` that a form must start with. */
function intRepr(list: List, word: "tag" | "repr", form: string): IntRepr {
  const annotation = list.items[1];
  const expected = `(${form} (@witx ${word} u8|u16|u32|u64) ...)`;
  if (annotation === undefined || !isWitxAnnotation(annotation, word)) {
    throw new WitxError((annotation ?? list).loc, `expected ${expected}: the (@witx ${word} ...) is missing`);
  }
  const repr = annotation.items[2];
  if (repr === undefined || repr.type !== "atom" || repr.kind !== "keyword" || !INT_REPRS.has(repr.value)) {
    throw new WitxError((repr ?? annotation).loc, `expected u8, u16, u32 or u64 as the ${word} of ${form}`);
  }
  expectNoMore(annotation, 3, `(@witx ${word} ...)`);
  return repr.value as IntRepr;
}

/** `$a $b ...`: the names of enum cases and flags, each with its doc comment. */
function names(list: List, from: number, what: string, scope: TypeScope): Case[] {
  return list.items.slice(from).map((item) => {
    const name = expectIdentifier(item, `a $name for ${what}`, list);
    return scope.sourceMap.record({ name, doc: item.doc }, item.loc);
  });
}

function buildEnum(list: List, scope: TypeScope): Type {
  const tag = intRepr(list, "tag", "enum");
  return { kind: "enum", tag, cases: names(list, 2, "an enum case", scope) };
}

function buildFlags(list: List, scope: TypeScope): Type {
  const repr = intRepr(list, "repr", "flags");
  return { kind: "flags", repr, flags: names(list, 2, "a flag", scope) };
}

function buildRecord(list: List, scope: TypeScope): Type {
  const fields = list.items.slice(1).map((item): Field => {
    const field = expectList(item, "(field $name T)");
    if (headKeyword(field) !== "field") {
      throw new WitxError(field.loc, `expected (field $name T) in a record, found ${show(field)}`);
    }
    const name = expectIdentifier(field.items[1], "the field's $name", field);
    const type = field.items[2];
    if (type === undefined) throw new WitxError(field.loc, `expected the type of field $${name}`);
    expectNoMore(field, 3, "(field $name T)");
    return scope.sourceMap.record({ name, type: buildTypeRef(type, scope), doc: field.doc }, field.loc);
  });
  return { kind: "record", fields };
}

/**
 * `(union (@witx tag $e) T1 T2 ...)`: a variant whose cases are the cases of
 * enum `$e`, in order, carrying T1, T2, ... So the enum must be known first.
 */
function buildUnion(list: List, scope: TypeScope): Type {
  const annotation = list.items[1];
  if (annotation === undefined || !isWitxAnnotation(annotation, "tag")) {
    throw new WitxError((annotation ?? list).loc, "expected (union (@witx tag $enum) T ...): the (@witx tag $enum) is missing");
  }
  const tagAtom = annotation.items[2];
  if (tagAtom === undefined || tagAtom.type !== "atom" || tagAtom.kind !== "identifier") {
    throw new WitxError((tagAtom ?? annotation).loc, "expected the $name of an enum as the tag of a union");
  }
  expectNoMore(annotation, 3, "(@witx tag $enum)");
  const tagEnum = buildTypeRef(tagAtom, scope);
  if (tagEnum.kind !== "named") throw new Error("a $name always builds a named TypeRef");
  const enumType = scope.typeOf(tagEnum.target);
  if (enumType === null || enumType.kind !== "enum") {
    const found = enumType === null ? "this union or a type containing it" : `a ${enumType.kind}`;
    throw new WitxError(tagAtom.loc, `the tag of a union must be an enum, but $${tagEnum.name} is ${found}`);
  }
  const payloads = list.items.slice(2);
  if (payloads.length !== enumType.cases.length) {
    throw new WitxError(
      list.loc,
      `a union tagged by $${tagEnum.name} needs ${enumType.cases.length} payload types, one per case ` +
        `(${enumType.cases.map((c) => `$${c.name}`).join(" ")}), found ${payloads.length}`,
    );
  }
  const cases = payloads.map((payload, i): VariantCase => {
    const type = buildTypeRef(payload, scope);
    return scope.sourceMap.record({ name: enumType.cases[i].name, type, doc: payload.doc }, payload.loc);
  });
  return { kind: "variant", tag: enumType.tag, tagEnum, cases };
}

/** `(variant (@witx tag u8) (case $a T) (case $b))`. */
function buildVariant(list: List, scope: TypeScope): Type {
  const tag = intRepr(list, "tag", "variant");
  const cases = list.items.slice(2).map((item): VariantCase => {
    const form = expectList(item, "(case $name T) or (case $name)");
    if (headKeyword(form) !== "case") {
      throw new WitxError(form.loc, `expected (case $name T) or (case $name) in a variant, found ${show(form)}`);
    }
    const name = expectIdentifier(form.items[1], "the case's $name", form);
    const payload = form.items[2];
    expectNoMore(form, 3, "(case $name T)");
    const type = payload === undefined ? null : buildTypeRef(payload, scope);
    return scope.sourceMap.record({ name, type, doc: form.doc }, form.loc);
  });
  return { kind: "variant", tag, tagEnum: null, cases };
}

/** `(expected T (error E))`, `(expected (error E))`, `(expected T)`. */
function buildExpected(list: List, scope: TypeScope): Type {
  let ok: TypeRef | null = null;
  let error: TypeRef | null = null;
  let index = 1;
  const first = list.items[index];
  if (first !== undefined && !isErrorForm(first)) {
    ok = buildTypeRef(first, scope);
    index++;
  }
  const errorForm = list.items[index];
  if (errorForm !== undefined) {
    if (!isErrorForm(errorForm)) {
      throw new WitxError(errorForm.loc, `expected (error E) after the success type of expected, found ${show(errorForm)}`);
    }
    const type = errorForm.items[1];
    if (type === undefined) throw new WitxError(errorForm.loc, "expected (error E), found (error) without its type");
    expectNoMore(errorForm, 2, "(error E)");
    error = buildTypeRef(type, scope);
    index++;
  }
  expectNoMore(list, index, "(expected T (error E))");
  return { kind: "expected", ok, error };
}

function isErrorForm(expr: SExpr): expr is List {
  return expr.type === "list" && headKeyword(expr) === "error";
}
