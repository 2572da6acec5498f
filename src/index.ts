/**
 * The package entry point: the node:wasi-compatible `WASI` class, the Node host it
 * runs on, and everything of the portable entry point ("witx-wasi/portable": generated
 * bindings, runtime, extendHost, stdio sources and sinks, deterministic mode)
 * for embedders who build or adjust their own host.
 */
export { WASI, WasiExit, wasiImportNames } from "./wasi/wasi.js";
export type { WasiOptions, NodeStdioOptions, WasiImport, WasiExtraOptions, WasiVersion } from "./wasi/wasi.js";
export { runInWorker, GuestStopped, GuestWorkerDied } from "./worker/run-in-worker.js";
export { SocketListenError, type SocketOption } from "./worker/sockets.js";
export type { WorkerRunOptions, WorkerStdioOptions } from "./worker/run-in-worker.js";
export { extendAsyncHost } from "./worker/async-host.js";
export type { AsyncHost, AsyncPreview1Host, AsyncHostOverrides } from "./worker/async-host.js";
export type { StreamSource } from "./impl/stdio/stream-input.js";
export { createNodeHost } from "./impl/node/index.js";
export { loadMemoryDirectory, saveMemoryDirectory } from "./wasi/memory-directory-host-copy.js";
export type { NodeHostOptions } from "./impl/node/index.js";
// What the portable entry point also offers is taken from its modules, not through
// ./portable.js: that module also reaches the browser runner, which the Node bundle
// would then load (and parse) on every import of the package.
export { createPortableHost } from "./impl/portable/index.js";
export type { PortableHostOptions } from "./impl/portable/index.js";
export type { WasiBaseOptions } from "./wasi/wasi-base.js";
export type { ClosableHost } from "./impl/preview1/compose-host.js";
export type { HostOptions } from "./impl/host-bootstrap.js";
export { extendHost } from "./impl/extend-host.js";
export type { HostOverrides } from "./impl/extend-host.js";
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
export { preview0Host as toPreview0Host } from "./impl/preview0/adapter.js";
export * as preview1 from "./generated/preview1/index.js";
export * as preview0 from "./generated/preview0/index.js";
export { GuestMemory, GuestPointer, PASSTHROUGH as passThroughGlue, formatTraceEvent } from "./runtime/index.js";
export type { Out as OutParam, GlueOptions, BadPointerMode, HostErrorHook, Codec, WasmMemory, TraceEvent } from "./runtime/index.js";
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
