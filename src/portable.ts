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
export * from "./common-exports.js";
export { WASI } from "./wasi/wasi-portable.js";
export { createWasi } from "./wasi/core-wasi.js";
export type { CoreWasi, CoreWasiOptions, CoreOutput } from "./wasi/core-wasi.js";
export { wasiImportNames } from "./wasi/import-names.js";
export { WasiExit } from "./wasi/wasi-exit.js";
export { preview0Feature, tracingFeature } from "./wasi/features.js";
export type { WasiFeature } from "./wasi/features.js";
export type { WasiImport } from "./wasi/wasi-base.js";
export type { WasiExtraOptions } from "./wasi/wasi-extra-options.js";
export type { WasiVersion, ParsedWasiOptions } from "./wasi/wasi-options.js";
export type { StdioSlot } from "./wasi/stdio-options.js";
export { GuestStopped, GuestWorkerDied } from "./worker/run-errors.js";
export { extendAsyncHost } from "./worker/async-host.js";
export type { AsyncPreview1Host, AsyncHostOverrides } from "./worker/async-host.js";
export { runInWebWorker } from "./browser/web-worker-runner.js";
export type { GuestWebWorker, WebWorkerRunOptions, WebWorkerStdioOptions } from "./browser/web-worker-runner.js";
export { serveGuestInWorker } from "./browser/guest-web-worker.js";
export type { GuestWorkerScope } from "./browser/guest-web-worker.js";
export { domOutput } from "./browser/dom-output.js";
export type { DomOutputOptions, TextTarget } from "./browser/dom-output.js";
export { fetchFile } from "./browser/fetch-file.js";
export { loadOpfsDirectory, saveOpfsDirectory } from "./browser/opfs-directory.js";
export type { OpfsDirectoryHandle } from "./browser/opfs-directory.js";
