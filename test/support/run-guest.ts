/** Runs a guest module from test/guests/bin (or examples/) on our WASI with the given options; returns its exit code. */
import { readFileSync } from "node:fs";
import { WASI, type WasiOptions } from "../../src/wasi/wasi.js";

const modules = new Map<string, WebAssembly.Module>();

export function guestModule(relativePath: string): WebAssembly.Module {
  let module = modules.get(relativePath);
  if (module === undefined) {
    module = new WebAssembly.Module(readFileSync(new URL(`../../${relativePath}`, import.meta.url)));
    modules.set(relativePath, module);
  }
  return module;
}

export function runGuest(relativePath: string, options: WasiOptions): number {
  const wasi = new WASI({ version: "preview1", ...options });
  return wasi.start(new WebAssembly.Instance(guestModule(relativePath), wasi.getImportObject()));
}
