/**
 * The package entry point: the node:wasi-compatible `WASI` class, the Node host it
 * runs on, and everything of the core entry point ("witx-wasi/core": generated
 * bindings, runtime, extendHost, stdio sources and sinks, deterministic mode)
 * for embedders who build or adjust their own host.
 */
export { WASI, WasiExit, wasiImportNames } from "./wasi.js";
export type { WasiOptions, NodeStdioOptions, WasiImport, WasiExtraOptions, WasiVersion } from "./wasi.js";
export { runInWorker, GuestStopped, GuestWorkerDied } from "./worker/run-in-worker.js";
export type { WorkerRunOptions, WorkerStdioOptions } from "./worker/run-in-worker.js";
export { extendAsyncHost } from "./worker/async-host.js";
export type { AsyncHost, AsyncPreview1Host, AsyncHostOverrides } from "./worker/async-host.js";
export type { StreamSource } from "./worker/stream-input.js";
export { createNodeHost, defaultHostLimits } from "./impl/node/index.js";
export type { NodeHost, NodeHostOptions, HostLimits } from "./impl/node/index.js";
export { WASI as PortableWASI, WasiCore, createPortableHost } from "./core.js";
export type { CoreWasiOptions, WasiPlatform, HostSetup, OwnedHost, PortableHost, PortableHostOptions } from "./core.js";
export { extendHost } from "./core.js";
export type { HostOverrides, OnlyHostMethods } from "./core.js";
export { BaseDescription } from "./core.js";
export type { FileDescription, Directory, OpenRequest, ClockSource } from "./core.js";
export { captureOutput, OutputCapture, OutputSinkDescription, InputSourceDescription } from "./core.js";
export type { OutputCallback, StdinSource, StdioOptions, StdinOption, OutputOption, StreamWithFd, WritableLike } from "./core.js";
export { createVirtualTime, seededRandomBytes } from "./core.js";
export type { DeterministicOptions, VirtualTime } from "./core.js";
export { preview0Host, preview1, preview0 } from "./core.js";
export { GuestMemory, GuestPointer, PASSTHROUGH } from "./core.js";
export type { Out, GlueOptions, BadPointerMode, HostErrorHook, Codec } from "./core.js";
export { MemoryDirectory, generatedDevice, readOnlyFile } from "./core.js";
export type { MemoryDirectoryOptions, MemoryPreopenContext, MountedFile, MountIdentity, Mount } from "./core.js";
