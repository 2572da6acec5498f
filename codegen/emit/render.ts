/**
 * Prints an emitted file: the header, the imports its code uses, then its
 * declarations with a blank line between each two. Declarations given as ts-morph
 * structures are printed by ts-morph (in memory; `main` decides what reaches disk),
 * declarations given as text are taken as they are.
 */
import { IndentationText, NewLineKind, Project, QuoteKind, type StatementStructures } from "ts-morph";
import type { EmittedFile } from "./emitter.js";
import { importDeclarations } from "./imports.js";

/** Top-level declarations as text or as ts-morph structures. */
export type Statements = (string | StatementStructures)[];

/** Generated lines stay within this many characters where the code allows. */
export const MAX_LINE = 120;

export function createEmitProject(): Project {
  return new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      newLineKind: NewLineKind.LineFeed,
      quoteKind: QuoteKind.Double,
      useTrailingCommas: true,
    },
  });
}

export function renderFile(project: Project, file: EmittedFile, header: string): string {
  const body = file.declarations.map((declaration) => printDeclaration(project, declaration)).join("\n\n");
  const imports = importDeclarations(body, file.imports, MAX_LINE);
  const importBlock = imports.length > 0 ? `${imports.join("\n")}\n\n` : "";
  return `${header}\n${importBlock}${body}\n`;
}

function printDeclaration(project: Project, declaration: string | StatementStructures): string {
  if (typeof declaration === "string") return declaration.trimEnd();
  const printed = project.createSourceFile("/declaration.ts", { statements: [declaration] }, { overwrite: true });
  return printed.getFullText().trimEnd();
}
