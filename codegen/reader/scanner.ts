import type { SourceLocation } from "./ast.js";
import { WitxError } from "./errors.js";

/**
 * A read position in one source text that knows its line and column.
 *
 * Columns count Unicode code points, not UTF-16 units, so a position after
 * `"é"` or an emoji matches what a person counts in an editor. A tab is one
 * column. `\n`, `\r\n` and a lone `\r` each end a line (as in the wat spec).
 */
export class Scanner {
  private index = 0;
  private line = 1;
  private column = 1;

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    // A byte order mark is an artifact of the editor, not part of the text.
    if (text.charCodeAt(0) === 0xfeff) this.index = 1;
  }

  get atEnd(): boolean {
    return this.index >= this.text.length;
  }

  /** Offset into the text in UTF-16 units; used to tell whether two tokens touch. */
  get offset(): number {
    return this.index;
  }

  /** The UTF-16 unit `ahead` units past the read position ("" past the end). */
  peek(ahead = 0): string {
    return this.text.charAt(this.index + ahead);
  }

  /** The whole code point at the read position ("" at the end). */
  peekCodePoint(): string {
    const cp = this.text.codePointAt(this.index);
    return cp === undefined ? "" : String.fromCodePoint(cp);
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.index);
  }

  here(): SourceLocation {
    return { file: this.file, line: this.line, column: this.column };
  }

  /** Consumes one code point (or one line break) and returns it. */
  advance(): string {
    const ch = this.peekCodePoint();
    if (ch === "") return "";
    if (ch === "\r" && this.peek(1) === "\n") {
      this.index += 2;
      this.newLine();
      return "\n";
    }
    this.index += ch.length;
    if (ch === "\n" || ch === "\r") this.newLine();
    else this.column += 1;
    return ch;
  }

  /** Consumes characters while `accept` holds and returns them. */
  takeWhile(accept: (ch: string) => boolean): string {
    const start = this.index;
    while (!this.atEnd && accept(this.peekCodePoint())) this.advance();
    return this.text.slice(start, this.index);
  }

  error(message: string, loc: SourceLocation = this.here()): WitxError {
    return new WitxError(loc, message);
  }

  private newLine(): void {
    this.line += 1;
    this.column = 1;
  }
}

/** How a character is shown in an error message: printable ones quoted, others by code point. */
export function describeChar(ch: string): string {
  if (ch === "") return "end of file";
  const cp = ch.codePointAt(0)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  // Spaces and control or format characters would be invisible between backticks.
  const invisible = /[\p{White_Space}\p{C}]/u.test(ch);
  return invisible ? hex : `\`${ch}\` (${hex})`;
}
