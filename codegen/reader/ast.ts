/**
 * The reader's output: a located S-expression tree. Nothing here knows what
 * witx means; the model stage gives the tree its meaning.
 */

/** A position in a witx source file, 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Atom kinds, told apart by their first character:
 * `$name` is an identifier, `"text"` a string, `123`/`0x1f`/`-1` a number,
 * `@witx` an annotation head, anything else (`typename`, `u32`) a keyword.
 */
export type AtomKind = "identifier" | "string" | "number" | "annotation" | "keyword";

export interface Atom {
  readonly type: "atom";
  readonly kind: AtomKind;
  /** The text without its sigil: `$fd` gives `fd`, `"a\n"` gives the decoded string, `@witx` gives `witx`. */
  readonly value: string;
  readonly loc: SourceLocation;
  /** Text of the `;;;` doc comment lines directly before this atom, joined with "\n" ("" when none). */
  readonly doc: string;
}

export interface List {
  readonly type: "list";
  readonly items: readonly SExpr[];
  /** Location of the opening parenthesis. */
  readonly loc: SourceLocation;
  /** Text of the `;;;` doc comment lines directly before the opening parenthesis, joined with "\n". */
  readonly doc: string;
}

export type SExpr = Atom | List;
