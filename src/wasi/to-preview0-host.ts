/**
 * `toPreview0Host`: a preview1 host served as a preview0 (`wasi_unstable`) one,
 * for embedders who build preview0 imports themselves. The adapter
 * (src/impl/preview0/adapter.ts) is reached through on-demand.ts, so the Node
 * entry point loads it at the first call, not at import.
 */
import type { Preview0Host } from "../generated/preview0/host.js";
import type { Preview1Host } from "../generated/preview1/host.js";
import { preview0Adapter } from "./on-demand.js";

/** The preview0 view of `host`: same descriptor table, preview0's layouts and numbering where the two versions differ. */
export function toPreview0Host(host: Preview1Host): Preview0Host {
  return preview0Adapter.preview0Host(host);
}
