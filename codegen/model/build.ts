/**
 * Turns the top-level forms of the files a document is made of into the model.
 *
 * The builder rejects what it cannot give a meaning to (an unknown form,
 * annotation or type name, a malformed form, a union whose tag is not an
 * enum of matching size); validate.ts then rejects what it can represent but
 * witx or the ABI forbids. Type names may be used before their typename:
 * every typename is registered first, then each body is built.
 */
import type { Atom, List, SExpr } from "../reader/ast.js";
import { WitxError } from "../reader/errors.js";
import type { Document, Module, NamedType, Type } from "./types.js";
import { buildType, type TypeScope } from "./build-types.js";
import { buildModule } from "./build-module.js";
import { expectIdentifier, expectNoMore, headKeyword, show } from "./forms.js";
import { SourceMap } from "./source-map.js";

/** One file as the loader read it, `(use ...)` forms included (the loader has followed them). */
export interface ParsedFile {
  readonly path: string;
  readonly text: string;
  readonly forms: readonly SExpr[];
}

export interface BuiltDocument {
  readonly document: Document;
  /** Locations of the model's nodes, for validation messages. */
  readonly sourceMap: SourceMap;
}

type MutableNamedType = { -readonly [K in keyof NamedType]: NamedType[K] };

const TOP_LEVEL_EXPECTED = `(use "file.witx"), (typename $name T) or (module $name ...)`;

/** `files` in document order: used files before the files that use them, the entry last. */
export function buildDocument(files: readonly ParsedFile[]): BuiltDocument {
  const sourceMap = new SourceMap();
  const types: MutableNamedType[] = [];
  const typesByName = new Map<string, NamedType>();
  const bodies = new Map<NamedType, SExpr>();
  const moduleForms: List[] = [];

  for (const file of files) {
    for (const form of file.forms) {
      const keyword = form.type === "list" ? headKeyword(form) : null;
      if (form.type !== "list" || keyword === null || !["use", "typename", "module"].includes(keyword)) {
        throw new WitxError(form.loc, `unknown top-level form ${show(form)}: expected ${TOP_LEVEL_EXPECTED}`);
      }
      if (keyword === "typename") {
        const named = declareTypename(form);
        types.push(named.shell);
        bodies.set(named.shell, named.body);
        if (!typesByName.has(named.shell.name)) typesByName.set(named.shell.name, named.shell);
      } else if (keyword === "module") {
        moduleForms.push(form);
      }
    }
  }

  const building = new Set<NamedType>();
  const built = new Set<NamedType>();
  const scope: TypeScope = {
    sourceMap,
    lookup(name: string, atom: Atom): NamedType {
      const named = typesByName.get(name);
      if (named === undefined) {
        throw new WitxError(atom.loc, `unknown type $${name}: expected the name of a typename defined in this document`);
      }
      return named;
    },
    typeOf(named: NamedType): Type | null {
      if (building.has(named)) return null;
      build(named as MutableNamedType);
      return named.type;
    },
  };

  function build(shell: MutableNamedType): void {
    if (built.has(shell)) return;
    building.add(shell);
    const body = bodies.get(shell);
    if (body === undefined) throw new Error(`typename $${shell.name} has no body`);
    if (body.type === "atom" && body.kind === "identifier") {
      throw new WitxError(
        body.loc,
        `typename $${shell.name} only renames $${body.value}: expected a type written out (write $${body.value} where $${shell.name} is used)`,
      );
    }
    shell.type = buildType(body, scope);
    building.delete(shell);
    built.add(shell);
  }

  for (const shell of types) build(shell);
  const modules: Module[] = moduleForms.map((form) => buildModule(form, scope));

  const document: Document = {
    types,
    typesByName,
    modules,
    sources: files.map((file) => ({ path: file.path, text: file.text })),
  };
  return { document, sourceMap };
}

/** `(typename $name T)`: the typename's shell, its type still to be built, and its body. */
function declareTypename(form: List): { shell: MutableNamedType; body: SExpr } {
  const name = expectIdentifier(form.items[1], "the typename's $name", form);
  const body = form.items[2];
  if (body === undefined) throw new WitxError(form.loc, `expected (typename $${name} T), found no type`);
  expectNoMore(form, 3, "(typename $name T)");
  // The type is filled in by build() before the document is handed out.
  const shell: MutableNamedType = { name, type: undefined as unknown as Type, doc: form.doc, loc: form.loc };
  return { shell, body };
}
