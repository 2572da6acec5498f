/**
 * The parts of the entry points a run may never need, each reached through a
 * namespace so that the Node build can load it at first use: the preview0
 * bindings and adapter (`version: "unstable"`), which the entry points also
 * export as the `preview0` namespace and `toPreview0Host`, and the features
 * that use them (preview0, and tracing, which wraps both versions' imports).
 *
 * Here they are plain re-exports, which is what tests, the portable build
 * (dist/esm) and bundlers see. The Node bundle (scripts/bundle.mjs) builds this
 * module, with what only it reaches, as on-demand.cjs, and wherever it is
 * imported puts in its stead objects with the same keys, each a getter that
 * loads on-demand.cjs (a synchronous require) at its first access; so importing
 * the package does not compile them (bench/RESULTS.md, "Import time").
 * Only `export * as` lines belong here: the build refuses anything else.
 */
export * as preview0Bindings from "../generated/preview0/index.js";
export * as preview1Bindings from "../generated/preview1/index.js";
export * as preview0Adapter from "../impl/preview0/adapter.js";
export * as optionalFeatures from "./features.js";
