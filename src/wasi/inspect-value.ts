/**
 * `util.inspect` without importing `node:util`, so the option checks (and the
 * portable entry point that reuses them) load in a browser. On Node the real
 * inspect is taken from `process.getBuiltinModule` (Node 20.16+), which keeps
 * node:wasi's messages byte-identical; elsewhere a plain rendering stands in.
 */
type Inspect = (value: unknown, options?: { depth?: number; colors?: boolean }) => string;

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => { inspect?: Inspect } | undefined;
}

function nodeInspect(): Inspect | undefined {
  const processObject = (globalThis as { process?: ProcessWithBuiltins }).process;
  return processObject?.getBuiltinModule?.("node:util")?.inspect;
}

/** Close to inspect's output for the values option errors show: strings quoted, the rest through String(). */
function plainInspect(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return `[Function: ${value.name || "(anonymous)"}]`;
  if (value !== null && typeof value === "object") {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

export const inspect: Inspect = nodeInspect() ?? plainInspect;
