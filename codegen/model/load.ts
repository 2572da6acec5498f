/**
 * Entry points of the model stage: read a witx file and the files it
 * `(use ...)`s, build the model, validate it.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { List, SExpr } from "../reader/ast.js";
import { WitxError } from "../reader/errors.js";
import { readSExprs } from "../reader/sexpr.js";
import { buildDocument, type ParsedFile } from "./build.js";
import { expectNoMore, expectString, headKeyword } from "./forms.js";
import type { Document } from "./types.js";
import { validateDocument } from "./validate.js";

/** Reads `entryPath` and everything it uses from disk. Source paths in the document are absolute. */
export function loadWitx(entryPath: string): Document {
  return loadDocument(resolve(entryPath), (path) => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return null;
    }
  });
}

/** The same from in-memory files (path -> text), for tests; `use` paths resolve against the keys. */
export function loadWitxFromSources(files: ReadonlyMap<string, string>, entryPath: string): Document {
  return loadDocument(entryPath, (path) => files.get(path) ?? null);
}

/**
 * Reads the entry and, depth first, every file it uses, each once; a used
 * file comes before the file that uses it, so its types come first.
 * `readText` returns null for a file that does not exist.
 */
function loadDocument(entryPath: string, readText: (path: string) => string | null): Document {
  const files: ParsedFile[] = [];
  const seen = new Set<string>();

  const visit = (path: string, usedAt: List | null): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = readText(path);
    if (text === null) {
      if (usedAt === null) throw new Error(`cannot read witx file ${path}`);
      throw new WitxError(usedAt.loc, `cannot read ${path}: expected (use "file.witx") to name a witx file beside this one`);
    }
    const forms = readSExprs(text, path);
    for (const form of forms) {
      const used = useTarget(form);
      if (used !== null) visit(join(dirname(path), used), form as List);
    }
    files.push({ path, text, forms });
  };
  visit(entryPath, null);

  const { document, sourceMap } = buildDocument(files);
  validateDocument(document, sourceMap);
  return document;
}

/** The file named by a `(use "file.witx")` form, or null for any other form. */
function useTarget(form: SExpr): string | null {
  if (form.type !== "list" || headKeyword(form) !== "use") return null;
  const file = expectString(form.items[1], `the "file.witx" to use`, form);
  expectNoMore(form, 2, `(use "file.witx")`);
  return file;
}
