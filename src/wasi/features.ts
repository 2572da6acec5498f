/**
 * What a WASI object can be asked for beyond preview1 without tracing: the
 * preview0 (`wasi_unstable`) adapter and call tracing. The Node entry point
 * carries both; `witx-wasi/core` carries neither unless the embedder passes
 * them (`features: [preview0Feature, tracingFeature]`), so a bundle of an app
 * that does not import them leaves them out.
 */
import { createPreview0Imports, tracePreview0Imports, type Preview0Imports } from "../generated/preview0/index.js";
import type { Preview1Host } from "../generated/preview1/host.js";
import { tracePreview1Imports, type Preview1Imports } from "../generated/preview1/index.js";
import { preview0Host } from "../impl/preview0/adapter.js";
import { formatTraceEvent, type GlueOptions, type GuestMemory, type TraceEvent } from "../runtime/index.js";
import { traceOption, type TraceImports } from "./trace-option.js";
import type { WasiVersion } from "./wasi-options.js";

export type WasiImport = Preview1Imports | Preview0Imports;

/** Builds one version's import object over a preview1 host. */
export type ImportsBuilder = (host: Preview1Host, memory: GuestMemory, options: GlueOptions) => WasiImport;
/** Wraps one version's import object so that every call is reported as an event. */
export type ImportsTracer = (imports: WasiImport, memory: GuestMemory, log: (event: TraceEvent) => void) => WasiImport;

/** Something a WASI object can be given in `features`; opaque to embedders, who pass the exported constants. */
export interface WasiFeature {
  readonly name: string;
  readonly builders?: Partial<Record<WasiVersion, ImportsBuilder>>;
  /** Call tracing: checks the `trace` option (given and not false) and returns what wraps an import object. */
  readonly tracing?: (trace: unknown, traceToStderr: (line: string) => void) => TraceImports;
}

/** `version: "unstable"` (the `wasi_unstable` module), adapted onto the preview1 host. */
export const preview0Feature: WasiFeature = {
  name: "preview0Feature",
  builders: { unstable: (host, memory, options) => createPreview0Imports(preview0Host(host), memory, options) },
};

/** The `trace` option, for both versions. */
export const tracingFeature: WasiFeature = {
  name: "tracingFeature",
  tracing: (trace, traceToStderr) =>
    traceOption(
      trace,
      traceToStderr,
      {
        preview1: (imports, memory, log) => tracePreview1Imports(imports as Preview1Imports, memory, log),
        unstable: (imports, memory, log) => tracePreview0Imports(imports as Preview0Imports, memory, log),
      },
      formatTraceEvent,
    ),
};
