import type { Atom, List, SExpr, SourceLocation } from "./ast.js";
import { WitxError } from "./errors.js";
import { tokenize } from "./lexer.js";

/**
 * Reads witx source text into its top-level S-expressions.
 *
 * Doc comments: every `;;;` line since the previous token attaches, joined
 * with "\n", to the next atom or `(`. Plain `;;` lines and blank lines do not
 * break a run (the upstream witx crate collects all comments before an item
 * and keeps only the `;;;` ones, which also drops the `;;` lines upstream
 * uses as paragraph breaks). A `)` discards the pending run, so a doc comment
 * after a list's last item, or at the end of the file, belongs to nothing
 * and is ignored rather than attached across the parenthesis.
 */
export function readSExprs(text: string, file: string): SExpr[] {
  type Open = { loc: SourceLocation; doc: string; items: SExpr[] };
  const top: SExpr[] = [];
  const open: Open[] = [];
  let pendingDoc: string[] = [];

  const takeDoc = (): string => {
    const doc = pendingDoc.join("\n");
    pendingDoc = [];
    return doc;
  };
  const add = (item: SExpr): void => {
    (open.length > 0 ? open[open.length - 1].items : top).push(item);
  };

  for (const token of tokenize(text, file)) {
    switch (token.kind) {
      case "doc":
        pendingDoc.push(token.value);
        break;
      case "lparen":
        open.push({ loc: token.loc, doc: takeDoc(), items: [] });
        break;
      case "rparen": {
        const closed = open.pop();
        if (closed === undefined) throw new WitxError(token.loc, "unexpected `)`: no `(` is open here");
        pendingDoc = [];
        const list: List = { type: "list", items: closed.items, loc: closed.loc, doc: closed.doc };
        add(list);
        break;
      }
      default: {
        const atom: Atom = { type: "atom", kind: token.kind, value: token.value, loc: token.loc, doc: takeDoc() };
        add(atom);
      }
    }
  }

  const unclosed = open[open.length - 1];
  if (unclosed !== undefined) {
    throw new WitxError(unclosed.loc, "missing `)`: the `(` opened here is not closed before the end of file");
  }
  return top;
}
