/**
 * The ts-morph project the emitters write into. It lives in memory: the emitters
 * build syntax through ts-morph's structures, and `main` decides what reaches disk.
 */
import { IndentationText, NewLineKind, Project, QuoteKind, type SourceFile } from "ts-morph";

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

/** Creates `path` in the project, lets `build` fill it, and returns the text with its header. */
export function renderFile(project: Project, path: string, header: string, build: (file: SourceFile) => void): string {
  const file = project.createSourceFile(path, "", { overwrite: true });
  build(file);
  return header + "\n" + file.getFullText().replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}
