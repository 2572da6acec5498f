/**
 * C or C++ source without its comments, token for token the same program: string and
 * character literals are kept whole (a "//" or "/*" in one is not a comment), a comment
 * within a line becomes one space, and lines left blank are dropped.
 */
export function withoutCComments(source) {
  let output = "";
  let at = 0;
  while (at < source.length) {
    const char = source[at];
    const next = source[at + 1];
    if (char === '"' || char === "'") {
      let end = at + 1;
      while (end < source.length && source[end] !== char) end += source[end] === "\\" ? 2 : 1;
      output += source.slice(at, end + 1);
      at = end + 1;
    } else if (char === "/" && next === "*") {
      const end = source.indexOf("*/", at + 2);
      if (end < 0) throw new Error("an unterminated comment");
      output += " ";
      at = end + 2;
    } else if (char === "/" && next === "/") {
      const end = source.indexOf("\n", at);
      at = end < 0 ? source.length : end;
    } else {
      output += char;
      at += 1;
    }
  }
  return `${output
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line !== "")
    .join("\n")}\n`;
}
