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
export { createPortableHost } from "./portable.js";
export type { WasiBaseOptions, ClosableHost, HostOptions, PortableHostOptions } from "./portable.js";
export { extendHost } from "./portable.js";
export type { HostOverrides } from "./portable.js";
export { BaseDescription } from "./portable.js";
export type { FileDescription, Directory, OpenRequest, ClockSource } from "./portable.js";
export { captureOutput, OutputCapture, OutputSinkDescription, InputSourceDescription } from "./portable.js";
export type { OutputCallback, StdinSource, StdioOptions, StdinOption, OutputOption, StreamWithFd, WritableLike } from "./portable.js";
export { createVirtualTime, seededRandomBytes } from "./portable.js";
export type { DeterministicOptions, VirtualTime, VirtualTimeOptions } from "./portable.js";
export { toPreview0Host, preview1, preview0 } from "./portable.js";
export { GuestMemory, GuestPointer, passThroughGlue } from "./portable.js";
export type { OutParam, GlueOptions, BadPointerMode, HostErrorHook, Codec, WasmMemory } from "./portable.js";
export { MemoryDirectory, MemoryDirectoryError, generatedDevice, readOnlyFile } from "./portable.js";
export { defaultHostLimits } from "./portable.js";
export type { HostLimits } from "./portable.js";
export { formatTraceEvent } from "./portable.js";
export type { TraceEvent, TraceOptions } from "./portable.js";
export type {
  MemoryDirectoryOptions,
  MemoryEntryStat,
  MemoryPreopenContext,
  MemoryTreeObject,
  MountedFile,
  MountIdentity,
  Mount,
} from "./portable.js";
