/**
 * The core entry point ("witx-wasi/core"): everything that runs without Node —
 * the WASI class over the portable host, the generated bindings and their
 * runtime, host composition (extendHost), the stdio sources and sinks, and
 * deterministic time and randomness. Nothing reachable from here imports a
 * `node:` module; test/core-browser-bundle.test.ts bundles it for the browser
 * to keep it that way. The Node host and node:wasi's drop-in are in ".".
 */
export { WASI } from "./wasi-portable.js";
export { WasiCore, wasiImportNames } from "./wasi-core.js";
export type { CoreWasiOptions, WasiImport, WasiPlatform, HostSetup, OwnedHost } from "./wasi-core.js";
export type { WasiExtraOptions } from "./wasi-extra-options.js";
export type { WasiVersion, ParsedWasiOptions } from "./wasi-options.js";
export { WasiExit } from "./wasi-exit.js";
export { extendHost } from "./extend.js";
export type { HostOverrides, OnlyHostMethods } from "./extend.js";
export { createPortableHost } from "./impl/portable/index.js";
export type { PortableHost, PortableHostOptions } from "./impl/portable/index.js";
export { BaseDescription } from "./impl/description.js";
export type { FileDescription, Directory, OpenRequest } from "./impl/description.js";
export type { ClockSource } from "./impl/context.js";
export { captureOutput, OutputCapture, OutputSinkDescription } from "./stdio/output-sink.js";
export type { OutputCallback } from "./stdio/output-sink.js";
export { InputSourceDescription } from "./stdio/input-source.js";
export type { StdinSource } from "./stdio/input-source.js";
export type { StdioOptions, StdinOption, OutputOption, StreamWithFd, WritableLike, StdioSlot } from "./stdio/stdio-options.js";
export { createVirtualTime, seededRandomBytes } from "./deterministic.js";
export type { DeterministicOptions, VirtualTime } from "./deterministic.js";
export { preview0Host } from "./impl/preview0/adapter.js";
export { MemoryDirectory, generatedDevice, readOnlyFile } from "./impl/memory/index.js";
export type { MemoryDirectoryOptions, MemoryPreopenContext, MountedFile, MountIdentity } from "./impl/memory/index.js";
export type { Mount } from "./wasi-mounts.js";
export { defaultHostLimits } from "./impl/limits.js";
export type { HostLimits } from "./impl/limits.js";
export * as preview1 from "./generated/preview1/index.js";
export * as preview0 from "./generated/preview0/index.js";
export { GuestMemory, GuestPointer, PASSTHROUGH } from "./runtime/index.js";
export type { Out, GlueOptions, BadPointerMode, HostErrorHook, Codec } from "./runtime/index.js";
