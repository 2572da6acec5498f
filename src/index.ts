/**
 * The package entry point: the node:wasi-compatible `WASI` class, the Node host it
 * runs on, and everything of the portable entry point ("witx-wasi/portable": generated
 * bindings, runtime, extendHost, stdio sources and sinks, deterministic mode)
 * for embedders who build or adjust their own host.
 */
export * from "./common-exports.js";
export { WASI, WasiExit, wasiImportNames } from "./wasi/wasi.js";
export type { WasiOptions, NodeStdioOptions, WasiImport, WasiExtraOptions, WasiVersion } from "./wasi/wasi.js";
export { runInWorker, GuestStopped, GuestWorkerDied } from "./worker/run-in-worker.js";
export { SocketListenError, type SocketOption } from "./worker/sockets.js";
export type { WorkerRunOptions, WorkerStdioOptions } from "./worker/run-in-worker.js";
export { extendAsyncHost } from "./worker/async-host.js";
export type { AsyncHost, AsyncPreview1Host, AsyncHostOverrides } from "./worker/async-host.js";
export type { StreamSource } from "./impl/stdio/stream-input.js";
export { createNodeHost } from "./impl/node/index.js";
export type { NodeHostOptions } from "./impl/node/index.js";
export { loadMemoryDirectory, saveMemoryDirectory } from "./wasi/memory-directory-host-copy.js";
