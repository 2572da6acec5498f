/**
 * The package entry point: the node:wasi-compatible `WASI` class, the Node host it
 * runs on, and the generated bindings for embedders who build their own host.
 */
export { WASI, WasiExit, wasiImportNames } from "./wasi.js";
export type { WasiOptions, WasiImport, WasiExtraOptions, WasiVersion } from "./wasi.js";
export { createNodeHost, defaultHostLimits } from "./impl/node/index.js";
export type { NodeHost, NodeHostOptions, HostLimits } from "./impl/node/index.js";
export { preview0Host } from "./impl/preview0/adapter.js";
export * as preview1 from "./generated/preview1/index.js";
export * as preview0 from "./generated/preview0/index.js";
export { GuestMemory, GuestPointer, PASSTHROUGH } from "./runtime/index.js";
export type { Out, GlueOptions, BadPointerMode, HostErrorHook, Codec } from "./runtime/index.js";
