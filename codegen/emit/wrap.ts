/**
 * Line layout for generated code: a bracketed list (parameters, arguments) stays on
 * one line when that line fits, and otherwise puts one item per line.
 */
import { MAX_LINE } from "./render.js";

/**
 * `head(a, b)tail` as lines. `indent` is the column the first line starts at, so
 * the fit is judged on the line as printed; continuation lines are indented two
 * more than the first and the closing bracket lines up with it.
 */
export function wrapList(head: string, items: readonly string[], tail: string, indent: number): string[] {
  const open = head.slice(-1);
  const close = open === "(" ? ")" : open === "[" ? "]" : "}";
  const oneLine = `${head}${items.join(", ")}${close}${tail}`;
  if (indent + oneLine.length <= MAX_LINE || items.length === 0) return [oneLine];
  return [head, ...items.map((item) => `  ${item},`), `${close}${tail}`];
}

/** `if (condition) statement` on one line when it fits, else as a braced block. */
export function guard(condition: string, statement: string, indent: number): string[] {
  const oneLine = `if (${condition}) ${statement}`;
  if (indent + oneLine.length <= MAX_LINE) return [oneLine];
  return [`if (${condition}) {`, `  ${statement}`, `}`];
}

export function indentLines(lines: readonly string[], by: number): string[] {
  const pad = " ".repeat(by);
  return lines.map((line) => (line === "" ? line : pad + line));
}
