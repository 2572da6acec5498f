/**
 * Small readers for the shapes witx forms are made of, each failing with a
 * located WitxError that says what was expected. The builders use these so
 * that they read as the grammar they implement.
 */
import type { Atom, List, SExpr } from "../reader/ast.js";
import { WitxError } from "../reader/errors.js";

/** A short rendering of an expression for messages: `$fd`, `"memory"`, `u8`, `(record ...)`. */
export function show(expr: SExpr): string {
  if (expr.type === "atom") return showAtom(expr);
  const head = expr.items[0];
  if (head === undefined) return "()";
  if (head.type === "atom" && head.kind === "annotation") {
    const second = expr.items[1];
    const word = second !== undefined && second.type === "atom" ? ` ${showAtom(second)}` : "";
    return `(${showAtom(head)}${word}${expr.items.length > 2 ? " ..." : ""})`;
  }
  return `(${head.type === "atom" ? showAtom(head) : "(...)"}${expr.items.length > 1 ? " ..." : ""})`;
}

function showAtom(atom: Atom): string {
  switch (atom.kind) {
    case "identifier":
      return `$${atom.value}`;
    case "string":
      return JSON.stringify(atom.value);
    case "annotation":
      return `@${atom.value}`;
    default:
      return atom.value;
  }
}

/** The keyword a list starts with (`typename`, `record`, ...), or null when it starts otherwise. */
export function headKeyword(list: List): string | null {
  const head = list.items[0];
  return head !== undefined && head.type === "atom" && head.kind === "keyword" ? head.value : null;
}

/**
 * The annotation a list starts with, as `witx tag` style words: `(@witx tag u8)`
 * gives `{ annotation: "witx", word: "tag" }`. Null when the list is not an annotation.
 */
export function annotationOf(list: List): { readonly annotation: string; readonly word: string | null } | null {
  const head = list.items[0];
  if (head === undefined || head.type !== "atom" || head.kind !== "annotation") return null;
  const second = list.items[1];
  const word = second !== undefined && second.type === "atom" && second.kind === "keyword" ? second.value : null;
  return { annotation: head.value, word };
}

/** True for `(@witx <word> ...)`. */
export function isWitxAnnotation(expr: SExpr, word: string): expr is List {
  if (expr.type !== "list") return false;
  const annotation = annotationOf(expr);
  return annotation !== null && annotation.annotation === "witx" && annotation.word === word;
}

export function expectList(expr: SExpr, expected: string): List {
  if (expr.type !== "list") throw new WitxError(expr.loc, `expected ${expected}, found ${show(expr)}`);
  return expr;
}

/** The name of an `$identifier` atom, without its `$`. */
export function expectIdentifier(expr: SExpr | undefined, expected: string, after: SExpr): string {
  if (expr === undefined) throw new WitxError(after.loc, `expected ${expected} in ${show(after)}, found nothing`);
  if (expr.type !== "atom" || expr.kind !== "identifier") {
    throw new WitxError(expr.loc, `expected ${expected}, found ${show(expr)}`);
  }
  return expr.value;
}

export function expectString(expr: SExpr | undefined, expected: string, after: SExpr): string {
  if (expr === undefined) throw new WitxError(after.loc, `expected ${expected} in ${show(after)}, found nothing`);
  if (expr.type !== "atom" || expr.kind !== "string") {
    throw new WitxError(expr.loc, `expected ${expected}, found ${show(expr)}`);
  }
  return expr.value;
}

/** Fails at the first item past `count` in `list`: the form takes no more. */
export function expectNoMore(list: List, count: number, form: string): void {
  const extra = list.items[count];
  if (extra !== undefined) throw new WitxError(extra.loc, `unexpected ${show(extra)}: ${form} ends here`);
}

/** A located failure for an `(@name ...)` this toolchain does not know. */
export function unknownAnnotation(list: List, known: string): WitxError {
  return new WitxError(list.loc, `unknown annotation ${show(list)}: expected ${known}`);
}
