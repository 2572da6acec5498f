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
  const oneLine = `${head}${items.join(", ")}${closing(head)}${tail}`;
  if (indent + oneLine.length <= MAX_LINE || items.length === 0) return [oneLine];
  return [head, ...items.map((item) => `  ${item},`), `${closing(head)}${tail}`];
}

/** Like `wrapList`, but a list too long for one line fills each continuation line with as many items as fit. */
export function packList(head: string, items: readonly string[], tail: string, indent: number): string[] {
  const oneLine = `${head}${items.join(", ")}${closing(head)}${tail}`;
  if (indent + oneLine.length <= MAX_LINE || items.length === 0) return [oneLine];
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const next = line === "" ? `  ${item},` : `${line} ${item},`;
    if (line !== "" && indent + next.length > MAX_LINE) {
      lines.push(line);
      line = `  ${item},`;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return [head, ...lines, `${closing(head)}${tail}`];
}

/** The bracket that closes the one `head` ends with. */
function closing(head: string): string {
  const open = head.slice(-1);
  return open === "(" ? ")" : open === "[" ? "]" : "}";
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

/** `text` as a JSDoc comment at column `indent`, lines longer than the limit broken between words; none for no text. */
export function docComment(text: string, indent: number): string[] {
  if (text === "") return [];
  const width = MAX_LINE - indent - " * ".length;
  const lines = text.split("\n").flatMap((line) => breakLine(line, width));
  return ["/**", ...lines.map((line) => ` * ${line}`.trimEnd()), " */"];
}

function breakLine(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const lines: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    if (current !== "" && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current === "" ? word : `${current} ${word}`;
    }
  }
  lines.push(current);
  return lines;
}
