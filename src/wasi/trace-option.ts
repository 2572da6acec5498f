/**
 * The `trace` option: its checks and the import object whose calls it reports.
 * Reached only through `tracingFeature`, so a bundle of an app that does not
 * trace leaves this out along with the generated tracers.
 */
import type { GuestMemory, TraceEvent } from "../runtime/index.js";
import type { ImportsTracer, WasiImport } from "./features.js";
import { invalidArgType, invalidArgValue } from "./node-errors.js";
import type { WasiVersion } from "./wasi-options.js";

interface ParsedTrace {
  /** Where text lines go, or null when only events were asked for. */
  lines: ((line: string) => void) | null;
  events: ((event: TraceEvent) => void) | null;
  /** null: every function. */
  functions: readonly string[] | null;
}

/** `trace` is given and not false (an absent or false option never gets here). */
function parseTrace(trace: unknown, traceToStderr: (line: string) => void): ParsedTrace {
  if (trace === true) return { lines: traceToStderr, events: null, functions: null };
  if (typeof trace === "function") return { lines: trace as (line: string) => void, events: null, functions: null };
  if (trace === null || typeof trace !== "object") throw invalidArgType("options.trace", ["boolean", "function", "Object"], trace);
  const { log, onEvent, functions } = trace as Record<string, unknown>;
  if (log !== undefined && typeof log !== "function") throw invalidArgType("options.trace.log", "function", log);
  if (onEvent !== undefined && typeof onEvent !== "function") throw invalidArgType("options.trace.onEvent", "function", onEvent);
  if (functions !== undefined && !(Array.isArray(functions) && functions.every((name) => typeof name === "string"))) {
    throw invalidArgType("options.trace.functions", "string[]", functions);
  }
  return {
    lines: log !== undefined || onEvent === undefined ? ((log as ((line: string) => void) | undefined) ?? traceToStderr) : null,
    events: (onEvent as ((event: TraceEvent) => void) | undefined) ?? null,
    functions: (functions as readonly string[] | undefined) ?? null,
  };
}

/** `traced` where `functions` (the trace option's filter) names the function, the untraced glue elsewhere. */
function onlyTraced<I extends object>(imports: I, traced: I, functions: readonly string[] | null): I {
  if (functions === null) return traced;
  const unknown = functions.find((name) => !Object.hasOwn(imports, name));
  if (unknown !== undefined) {
    throw invalidArgValue(
      "options.trace.functions",
      unknown,
      `is not a function of this WASI version (known: ${Object.keys(imports).join(", ")})`,
    );
  }
  const chosen = new Set(functions);
  return Object.fromEntries(Object.entries(imports).map(([name, glue]) => [name, chosen.has(name) ? traced[name as keyof I] : glue])) as I;
}

/** Wraps one version's import object so that its calls are reported as the option asks. */
export type TraceImports = (imports: WasiImport, memory: GuestMemory, version: WasiVersion) => WasiImport;

/** Checks the option; `traceToStderr` is where `trace: true` sends lines on this entry point. */
export function traceOption(
  trace: unknown,
  traceToStderr: (line: string) => void,
  tracers: Record<WasiVersion, ImportsTracer>,
  formatEvent: (event: TraceEvent) => string,
): TraceImports {
  const { lines, events, functions } = parseTrace(trace, traceToStderr);
  const sink = (event: TraceEvent) => {
    events?.(event);
    lines?.(formatEvent(event));
  };
  return (imports, memory, version) => onlyTraced(imports, tracers[version](imports, memory, sink), functions);
}
