/**
 * What both entry points export: host composition (extendHost, the description
 * base class), the stdio sources and sinks, deterministic time and randomness,
 * the in-memory file system, the limits, the generated bindings and their
 * runtime. Each export names its own module, so neither entry loads a module it
 * does not offer (the Node entry never reaches the browser runner this way).
 */
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
export type { StdioOptions, StdinOption, OutputOption, StreamWithFd, WritableLike } from "./wasi/stdio-options.js";
export { createVirtualTime } from "./impl/deterministic/virtual-time.js";
export { seededRandomBytes } from "./impl/deterministic/seeded-random.js";
export type { VirtualTime, VirtualTimeOptions } from "./impl/deterministic/virtual-time.js";
export type { DeterministicOptions, TraceOptions } from "./wasi/wasi-extra-options.js";
export type { WasiBaseOptions } from "./wasi/wasi-base.js";
export { toPreview0Host } from "./wasi/to-preview0-host.js";
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
export { preview1Bindings as preview1, preview0Bindings as preview0 } from "./wasi/on-demand.js";
export { GuestMemory, GuestPointer, PASSTHROUGH as passThroughGlue, formatTraceEvent } from "./runtime/index.js";
export type { Out as OutParam, GlueOptions, BadPointerMode, HostErrorHook, Codec, WasmMemory, TraceEvent } from "./runtime/index.js";
