/**
 * The portable entry point ("witx-wasi/portable", also exported as "witx-wasi/core"
 * for the users of its first name): everything that runs without Node —
 * the WASI class over the portable host, the generated bindings and their
 * runtime, host composition (extendHost), the stdio sources and sinks, and
 * deterministic time and randomness. Nothing reachable from here imports a
 * `node:` module; test/portable-browser-bundle.test.ts bundles it for the browser
 * to keep it that way. The Node host and node:wasi's drop-in are in ".".
 * The browser's additions (src/browser: the Web Worker runner, a DOM output
 * sink, fetched files, OPFS directories) are here too; they do nothing at load,
 * so a bundler that shakes drops what a page does not use.
 */
export { WASI } from "./wasi/wasi-portable.js";
export { wasiImportNames } from "./wasi/import-names.js";
export { preview0Feature, tracingFeature } from "./wasi/features.js";
export type { WasiFeature } from "./wasi/features.js";
export type { WasiBaseOptions, WasiImport } from "./wasi/wasi-base.js";
export type { TraceOptions, WasiExtraOptions } from "./wasi/wasi-extra-options.js";
export { formatTraceEvent } from "./runtime/index.js";
export type { TraceEvent } from "./runtime/index.js";
export type { WasiVersion, ParsedWasiOptions } from "./wasi/wasi-options.js";
export { WasiExit } from "./wasi/wasi-exit.js";
export { extendHost } from "./impl/extend-host.js";
export type { HostOverrides } from "./impl/extend-host.js";
export { createPortableHost } from "./impl/portable/index.js";
export type { PortableHostOptions } from "./impl/portable/index.js";
export type { ClosableHost } from "./impl/preview1/compose-host.js";
export type { HostOptions } from "./impl/host-bootstrap.js";
export { BaseDescription } from "./impl/description.js";
export type { FileDescription, Directory, OpenRequest } from "./impl/description.js";
export type { ClockSource } from "./impl/context.js";
export { captureOutput, OutputCapture, OutputSinkDescription } from "./impl/stdio/output-sink.js";
export type { OutputCallback } from "./impl/stdio/output-sink.js";
export { InputSourceDescription } from "./impl/stdio/input-source.js";
export type { StdinSource } from "./impl/stdio/input-source.js";
export type { StdioOptions, StdinOption, OutputOption, StreamWithFd, WritableLike, StdioSlot } from "./wasi/stdio-options.js";
export { createVirtualTime } from "./impl/deterministic/virtual-time.js";
export { seededRandomBytes } from "./impl/deterministic/seeded-random.js";
export type { VirtualTime, VirtualTimeOptions } from "./impl/deterministic/virtual-time.js";
export type { DeterministicOptions } from "./wasi/wasi-extra-options.js";
export { preview0Host as toPreview0Host } from "./impl/preview0/adapter.js";
export { MemoryDirectory, MemoryDirectoryError, generatedDevice, readOnlyFile } from "./impl/memory/index.js";
export type {
  MemoryDirectoryOptions,
  MemoryEntryStat,
  MemoryPreopenContext,
  MemoryTreeObject,
  MountedFile,
  MountIdentity,
} from "./impl/memory/index.js";
export type { Mount } from "./wasi/wasi-mounts.js";
export { defaultHostLimits } from "./impl/limits.js";
export type { HostLimits } from "./impl/limits.js";
export * as preview1 from "./generated/preview1/index.js";
export * as preview0 from "./generated/preview0/index.js";
export { GuestMemory, GuestPointer, PASSTHROUGH as passThroughGlue } from "./runtime/index.js";
export type { Out as OutParam, GlueOptions, BadPointerMode, HostErrorHook, Codec, WasmMemory } from "./runtime/index.js";
export { runInWebWorker } from "./browser/web-worker-runner.js";
export type { GuestWebWorker, WebWorkerRunOptions, WebWorkerStdioOptions } from "./browser/web-worker-runner.js";
export { serveGuestInWorker } from "./browser/guest-web-worker.js";
export type { GuestWorkerScope } from "./browser/guest-web-worker.js";
export { GuestStopped, GuestWorkerDied } from "./worker/run-errors.js";
export { extendAsyncHost } from "./worker/async-host.js";
export type { AsyncPreview1Host, AsyncHostOverrides } from "./worker/async-host.js";
export { domOutput } from "./browser/dom-output.js";
export type { DomOutputOptions, TextTarget } from "./browser/dom-output.js";
export { fetchFile } from "./browser/fetch-file.js";
export { loadOpfsDirectory, saveOpfsDirectory } from "./browser/opfs-directory.js";
export type { OpfsDirectoryHandle } from "./browser/opfs-directory.js";
