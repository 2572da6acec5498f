/**
 * preview0Feature and tracingFeature as getters over on-demand.ts, with the
 * names and types of features.ts's: the Node bundle loads what they hold (the
 * preview0 bindings, the trace wrappers) when a WASI object first asks for
 * `version: "unstable"` or a `trace` option, not at import. Every Node WASI
 * object carries them (wasi.ts), and the Node build of the portable entry
 * exports them in place of features.ts's (scripts/bundle.mjs).
 */
import type { WasiFeature } from "./features.js";
import { optionalFeatures } from "./on-demand.js";

export const preview0Feature: WasiFeature = {
  name: "preview0Feature",
  get builders() {
    return optionalFeatures.preview0Feature.builders;
  },
};

export const tracingFeature: WasiFeature = {
  name: "tracingFeature",
  get tracing() {
    return optionalFeatures.tracingFeature.tracing;
  },
};
