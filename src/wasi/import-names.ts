/**
 * `wasiImportNames`: the module and function names a WASI object of a version
 * provides, for tools that check a module's imports before instantiating it.
 */
import { createPreview1Imports } from "../generated/preview1/glue.js";
import { unimplementedPreview1Host } from "../generated/preview1/unimplemented.js";
import { GuestMemory } from "../runtime/index.js";
import { preview0Bindings } from "./on-demand.js";
import { moduleNames } from "./wasi-base.js";
import type { WasiVersion } from "./wasi-options.js";

/**
 * The module name and function names a WASI object of `version` provides,
 * read off the generated glue itself so they cannot drift from it.
 */
export function wasiImportNames(version: WasiVersion): { module: string; functions: string[] } {
  const memory = new GuestMemory();
  const imports =
    version === "unstable"
      ? preview0Bindings.createPreview0Imports(preview0Bindings.unimplementedPreview0Host(), memory)
      : createPreview1Imports(unimplementedPreview1Host(), memory);
  return { module: moduleNames[version], functions: Object.keys(imports) };
}
