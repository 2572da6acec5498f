/**
 * Type-checks generated or hand-written TypeScript the way the project compiles
 * (strict, NodeNext), for tests that prove the compiler catches a spec change.
 */
import ts from "typescript";

/** The compiler's messages for `entry` and what it imports; empty when it type-checks. */
export function typeErrors(entry: string, extra: ts.CompilerOptions = {}): string[] {
  const program = ts.createProgram([entry], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: [],
    skipLibCheck: true,
    ...extra,
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
}
