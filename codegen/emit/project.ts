/**
 * The ts-morph project the emitters write into. It lives in memory: the emitters
 * build syntax through ts-morph's structures, and `main` decides what reaches disk.
 */
import { IndentationText, NewLineKind, Project, QuoteKind, type StatementStructures } from "ts-morph";

/** What an emitter produces: statements as text or as ts-morph structures, printed once. */
export type Statements = (string | StatementStructures)[];

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

/**
 * Prints `statements` as the file `path` and returns the text with its header.
 * Creating the file from structures in one step prints it once; adding statements
 * one by one would re-parse the file after each.
 */
export function renderFile(project: Project, path: string, header: string, statements: Statements): string {
  const file = project.createSourceFile(path, { statements }, { overwrite: true });
  return header + "\n" + file.getFullText().replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}
