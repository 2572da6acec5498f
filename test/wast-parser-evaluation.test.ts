/**
 * Why codegen/reader/ is our own (notes/design.md): these pin what the
 * named candidate, @webassemblyjs/wast-parser's tokenizer, does with witx, so the
 * note stays true when the dependency is upgraded (a fixed version would fail here
 * and deserve another look).
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { readSExprs } from "../codegen/reader/sexpr.js";

const require = createRequire(import.meta.url);
const { tokenize } = require("@webassemblyjs/wast-parser/lib/tokenizer.js") as {
  tokenize(text: string): { type: string; value: string; loc: { start: { line: number; column: number } } }[];
};

describe("@webassemblyjs/wast-parser as the witx lexer", () => {
  const witx = "(typename $errno\n  (enum (@witx tag u16)\n    $success))";

  it("rejects witx annotations, which our reader keeps", () => {
    expect(() => tokenize(witx)).toThrow(/Unexpected character "@"/);
    expect(readSExprs(witx, "x.witx")).toHaveLength(1);
  });

  it("reports token positions that do not match the text, read as 0- or 1-based columns", () => {
    const text = "(typename $size u32)\n(typename $fd (handle))";
    const at = (lineText: string, value: string, index: number) =>
      lineText.startsWith(value, index) || lineText.startsWith(`$${value}`, index);
    const wrong = tokenize(text).filter((token) => {
      const { line, column } = token.loc.start;
      const lineText = text.split("\n")[line - 1] ?? "";
      return !at(lineText, token.value, column) && !at(lineText, token.value, column - 1);
    });
    expect(wrong.length).toBeGreaterThan(0);
  });
});
