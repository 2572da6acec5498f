/**
 * Import declarations computed from what a generated file actually uses: every
 * candidate name that the printed code refers to is imported, as a type-only import
 * when it is used only in types, and nothing else is (no unused imports to silence).
 */
import { ts } from "ts-morph";

/** A module a generated file may import from: named exports, or the whole module as a namespace. */
export type ImportSource =
  | { readonly from: string; readonly names: readonly string[] }
  | { readonly from: string; readonly namespace: string };

type Use = "value" | "type";

export function importDeclarations(code: string, sources: readonly ImportSource[], maxLine: number): string[] {
  const uses = namesUsed(code);
  const lines: string[] = [];
  for (const source of sources) {
    if ("namespace" in source) {
      const use = uses.get(source.namespace);
      if (use !== undefined) lines.push(`import ${use === "type" ? "type " : ""}* as ${source.namespace} from "${source.from}";`);
      continue;
    }
    const values = source.names.filter((name) => uses.get(name) === "value");
    const types = source.names.filter((name) => uses.get(name) === "type");
    if (values.length > 0) lines.push(namedImport("import", values, source.from, maxLine));
    if (types.length > 0) lines.push(namedImport("import type", types, source.from, maxLine));
  }
  return lines;
}

function namedImport(keyword: string, names: readonly string[], from: string, maxLine: number): string {
  const oneLine = `${keyword} { ${names.join(", ")} } from "${from}";`;
  if (oneLine.length <= maxLine) return oneLine;
  return `${keyword} {\n${names.map((name) => `  ${name},`).join("\n")}\n} from "${from}";`;
}

/** Every identifier the code refers to (not declares, not a property name), and whether some use is a value. */
function namesUsed(code: string): Map<string, Use> {
  const file = ts.createSourceFile("generated.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const uses = new Map<string, Use>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && isReference(node)) {
      const use: Use = inTypePosition(node) ? "type" : "value";
      if (uses.get(node.text) !== "value") uses.set(node.text, use);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return uses;
}

function isReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  if (ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) {
    return (ts.isPropertyAccessExpression(parent) ? parent.expression : parent.left) === node;
  }
  // A declaration's own name, or a property or method name, is not a use.
  return !("name" in parent && (parent as { name?: ts.Node }).name === node);
}

/** Whether the reference is part of a type (`t.Fd`, `Out<T>`, `typeof x`), which `import type` covers. */
function inTypePosition(node: ts.Identifier): boolean {
  let inner: ts.Node = node;
  while (ts.isQualifiedName(inner.parent) || ts.isPropertyAccessExpression(inner.parent)) inner = inner.parent;
  // A class's `extends X` names a value, though the syntax tree files it under types.
  if (ts.isExpressionWithTypeArguments(inner.parent) && ts.isHeritageClause(inner.parent.parent)) {
    return inner.parent.parent.token !== ts.SyntaxKind.ExtendsKeyword || !ts.isClassLike(inner.parent.parent.parent);
  }
  return ts.isTypeNode(inner.parent) || ts.isTypeQueryNode(inner.parent);
}
