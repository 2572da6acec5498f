/**
 * Checks a program before `witx-wasi run` instantiates it, so that the common
 * mistakes end in one readable line instead of a stack trace: the file is
 * missing, is not WebAssembly, does not compile, is not a command (no
 * `_start`), or imports something this host does not provide.
 *
 * The caller says what it provides; this module knows nothing about WASI.
 */
import { readFile } from "node:fs/promises";

/** Module name → field names the host supplies for that module. */
export type ProvidedImports = ReadonlyMap<string, ReadonlySet<string>>;

/** The names an import object (`{ wasi_snapshot_preview1: {...} }`) provides. */
export function providedImportsOf(importObject: Record<string, object>): ProvidedImports {
  return new Map(Object.entries(importObject).map(([module, fields]) => [module, new Set(Object.keys(fields))]));
}

export type PreflightResult = { ok: true; module: WebAssembly.Module } | { ok: false; message: string };

const wasmMagic = [0x00, 0x61, 0x73, 0x6d];
/** The version field of a core module (1); components carry a different layer/version. */
const coreVersion = [0x01, 0x00, 0x00, 0x00];

/** One line for a failed read; the errno code says more than Node's full message. */
function describeReadFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "is a directory, not a .wasm file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return firstLine(error instanceof Error ? error.message : String(error));
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0];
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  return prefix.every((byte, i) => bytes[offset + i] === byte);
}

/** Why bytes that lack a core-module header are not runnable. */
function describeNonModule(bytes: Uint8Array): string {
  if (startsWith(bytes, wasmMagic)) {
    return "is a WebAssembly component or an unknown binary version, not a core module";
  }
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  if (head.startsWith("(module") || head.startsWith("(;") || head.startsWith(";;")) {
    return "is WebAssembly text (.wat); compile it to a .wasm binary first";
  }
  return bytes.length < 4 ? "is too short to be a WebAssembly module" : "is not a WebAssembly module (no \\0asm header)";
}

/** What the run will provide and call: the WASI version (for the hint on a version mismatch) and `--invoke`'s export. */
export interface PreflightPlan {
  version?: "preview1" | "unstable";
  invoke?: string | undefined;
  /** The host makes the memory a module imports (the worker runner's shared memory), so such an import is accepted. */
  memoryImport?: boolean;
}

/** The --version value that provides each WASI module, for a module that imports the other one. */
const versionOfModule: Record<string, string> = { wasi_snapshot_preview1: "preview1", wasi_unstable: "unstable" };

/** Reads, compiles and checks `wasmPath`; `provided` lists what the host will supply. */
export async function preflightWasm(wasmPath: string, provided: ProvidedImports, plan: PreflightPlan = {}): Promise<PreflightResult> {
  const fail = (problem: string): PreflightResult => ({ ok: false, message: `witx-wasi: ${wasmPath}: ${problem}` });

  // readFile's buffer is never shared, which the compile API's type insists on.
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = (await readFile(wasmPath)) as Uint8Array<ArrayBuffer>;
  } catch (error) {
    return fail(describeReadFailure(error));
  }

  if (!startsWith(bytes, wasmMagic) || !startsWith(bytes, coreVersion, 4)) return fail(describeNonModule(bytes));

  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes);
  } catch (error) {
    // V8 prefixes the API name ("WebAssembly.compile(): "), which says nothing to a user.
    const message = error instanceof Error ? error.message : String(error);
    return fail(`invalid module: ${firstLine(message).replace(/^WebAssembly\.\w+\(\): /, "")}`);
  }

  const exported = WebAssembly.Module.exports(module);
  if (plan.invoke !== undefined) {
    const target = exported.find((entry) => entry.name === plan.invoke);
    if (target === undefined) return fail(`has no export named ${JSON.stringify(plan.invoke)} to --invoke`);
    if (target.kind !== "function") return fail(`exports ${plan.invoke} as a ${target.kind}, not a function`);
    if (exported.some((entry) => entry.name === "_start")) return fail("is a command (it exports _start); run it without --invoke");
  }
  const start = plan.invoke !== undefined ? { kind: "function" } : exported.find((entry) => entry.name === "_start");
  if (start === undefined) {
    const isReactor = WebAssembly.Module.exports(module).some((entry) => entry.name === "_initialize");
    return fail(
      isReactor ? "has no _start export (it is a reactor: it exports _initialize)" : "has no _start export, so it is not a command",
    );
  }
  if (start.kind !== "function") return fail(`exports _start as a ${start.kind}, not a function`);

  const missing = WebAssembly.Module.imports(module).find(
    (entry) => !(plan.memoryImport === true && entry.kind === "memory") && !provided.get(entry.module)?.has(entry.name),
  );
  if (missing !== undefined) {
    const wanted = versionOfModule[missing.module];
    const otherVersion = wanted !== undefined && !provided.has(missing.module);
    const hint = otherVersion ? `; the module is built for ${missing.module}: run it with --version ${wanted}` : "";
    return fail(`imports ${missing.module}.${missing.name} (${missing.kind}), which this host does not provide${hint}`);
  }

  return { ok: true, module };
}
