import type { AtomKind, SourceLocation } from "./ast.js";
import { integerValue, looksNumeric } from "./number-literal.js";
import { describeChar, Scanner } from "./scanner.js";
import { readStringLiteral } from "./string-literal.js";

/**
 * The witx lexical layer: the WebAssembly text format's tokens plus the one
 * thing witx adds, `;;;` doc comments, which are tokens here (plain `;;` and
 * `(; ;)` comments are dropped) so the S-expression layer can attach them.
 */
type TokenKind = "lparen" | "rparen" | "doc" | AtomKind;

export interface Token {
  readonly kind: TokenKind;
  /**
   * identifier/annotation: the name without `$`/`@`; string: the decoded text;
   * number: canonical decimal; keyword: the text; doc: the comment line after
   * `;;;` and one space, trailing whitespace removed; parens: `(` or `)`.
   */
  readonly value: string;
  readonly loc: SourceLocation;
}

/**
 * The wat `idchar` set: the characters identifiers, keywords and numbers are
 * made of. Everything else outside strings and comments is a delimiter
 * (whitespace, parens, `"`, `;`) or not allowed at all.
 */
const IDCHAR = /^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]$/;

function isIdChar(ch: string): boolean {
  return IDCHAR.test(ch);
}

function isWhitespace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
}

export function tokenize(text: string, file: string): Token[] {
  return new Lexer(new Scanner(text, file)).run();
}

class Lexer {
  private readonly tokens: Token[] = [];
  /** Offset just past the last `(`, to check that an annotation head touches it. */
  private afterLParen = -1;

  constructor(private readonly scanner: Scanner) {}

  run(): Token[] {
    const s = this.scanner;
    while (!s.atEnd) {
      const ch = s.peekCodePoint();
      if (isWhitespace(ch)) s.advance();
      else if (s.startsWith(";;")) this.lineComment();
      else if (s.startsWith("(;")) this.blockComment();
      else if (ch === "(") {
        this.push("lparen", "(", s.here());
        s.advance();
        this.afterLParen = s.offset;
      } else if (ch === ")") {
        this.push("rparen", ")", s.here());
        s.advance();
      } else if (ch === '"') {
        const loc = s.here();
        this.push("string", readStringLiteral(s), loc);
        this.expectSeparatorAfter("a string");
      } else if (isIdChar(ch)) this.idcharRun();
      else if (ch === ";") {
        const what = s.peek(1) === ")" ? "`;)` closes no block comment" : "a lone `;` is not allowed";
        throw s.error(`${what}: expected \`;;\` for a line comment or \`(; ... ;)\` for a block comment`);
      } else {
        throw s.error(`character ${describeChar(ch)} is not allowed outside strings and comments`);
      }
    }
    return this.tokens;
  }

  private push(kind: TokenKind, value: string, loc: SourceLocation): void {
    this.tokens.push({ kind, value, loc });
  }

  private lineComment(): void {
    const s = this.scanner;
    const loc = s.here();
    const body = s.takeWhile((c) => c !== "\n" && c !== "\r");
    if (body.startsWith(";;;")) {
      const line = body.slice(3);
      this.push("doc", (line.startsWith(" ") ? line.slice(1) : line).trimEnd(), loc);
    }
  }

  /** Skips a `(; ... ;)` comment; they nest, as in wat. */
  private blockComment(): void {
    const s = this.scanner;
    const opened: SourceLocation[] = [];
    do {
      if (s.atEnd) {
        throw s.error("unterminated block comment: expected `;)` to close the `(;` opened here", opened[opened.length - 1]);
      }
      if (s.startsWith("(;")) {
        opened.push(s.here());
        s.advance();
        s.advance();
      } else if (s.startsWith(";)")) {
        opened.pop();
        s.advance();
        s.advance();
      } else {
        s.advance();
      }
    } while (opened.length > 0);
  }

  /** An identifier, annotation head, number or keyword: told apart by the first character. */
  private idcharRun(): void {
    const s = this.scanner;
    const loc = s.here();
    const start = s.offset;
    const run = s.takeWhile(isIdChar);

    if (run.startsWith("$")) {
      if (run.length === 1) throw s.error("empty identifier: expected a name after `$`", loc);
      this.push("identifier", run.slice(1), loc);
    } else if (run.startsWith("@")) {
      if (start !== this.afterLParen) {
        throw s.error(`annotation \`${run}\` must directly follow \`(\`, as in \`(${run} ...)\``, loc);
      }
      if (run.length === 1) throw s.error("annotation head `@` needs a name, as in `(@witx ...)`", loc);
      this.push("annotation", run.slice(1), loc);
    } else if (looksNumeric(run)) {
      const value = integerValue(run);
      if (value === undefined) {
        throw s.error(
          `malformed number \`${run}\`: expected decimal digits or 0x and hex digits, optionally signed, with single \`_\` between digits`,
          loc,
        );
      }
      this.push("number", value, loc);
    } else {
      this.push("keyword", run, loc);
    }
    this.expectSeparatorAfter(`\`${run}\``);
  }

  /**
   * wat requires tokens to be separated: `"a""b"` or `$x"y"` are errors, not
   * two tokens. Idchar runs already end at a non-idchar, so only a string
   * touching another token needs a check.
   */
  private expectSeparatorAfter(what: string): void {
    const s = this.scanner;
    const next = s.peekCodePoint();
    if (next === '"' || (isIdChar(next) && this.tokens[this.tokens.length - 1]?.kind === "string")) {
      throw s.error(`expected whitespace or a parenthesis after ${what}, found ${describeChar(next)}`);
    }
  }
}
