/**
 * How witx names become TypeScript names. Spec names are kept wherever TypeScript
 * allows (`fd_write`, `errno.badf`, `oflags.creat`) so the spec and the code grep alike;
 * only type names change case (`subscription_clock` → `SubscriptionClock`).
 */

const reservedWords = new Set([
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "let",
  "static",
  "implements",
  "interface",
  "package",
  "private",
  "protected",
  "public",
  "await",
  "arguments",
  "eval",
]);

/** `subscription_clock` → `SubscriptionClock`. */
export function typeName(witxName: string): string {
  return witxName
    .split(/[_-]/)
    .filter((part) => part.length > 0)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");
}

/** `subscription_clock` → `subscriptionClockCodec`. */
export function codecName(witxName: string): string {
  const pascal = typeName(witxName);
  return `${pascal[0].toLowerCase() + pascal.slice(1)}Codec`;
}

/** `subscription_clock` → `writeSubscriptionClock`: the function a record or variant codec writes with. */
export function writerName(witxName: string): string {
  return `write${typeName(witxName)}`;
}

/** A parameter or local name: the witx name, with a trailing `_` when it is a reserved word (`in` → `in_`). */
export function variableName(witxName: string): string {
  const name = witxName.replace(/-/g, "_");
  return reservedWords.has(name) || /^[0-9]/.test(name) ? `${name}_` : name;
}

/** A property key: bare when it is an identifier, quoted otherwise (`"2big"`). */
export function propertyKey(witxName: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(witxName) ? witxName : JSON.stringify(witxName);
}

/** Whether a witx name can be a declared variable as it is: an identifier that is no reserved word. */
export function isPlainIdentifier(witxName: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(witxName) && !reservedWords.has(witxName);
}
