/** Compiles WebAssembly text with wabt, for the small probe modules tests build inline. */
import loadWabt from "wabt";

const wabt = await loadWabt();

// wabt hands back a plain (never shared) Uint8Array, which WebAssembly's types insist on.
export function watToBytes(text: string, features: { threads?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const module = wabt.parseWat("probe.wat", text, features);
  try {
    // wabt's validator ignores the features given to the parser; V8 validates those modules.
    if (!features.threads) module.validate();
    return module.toBinary({}).buffer as Uint8Array<ArrayBuffer>;
  } finally {
    module.destroy();
  }
}

/** Compiles and instantiates a module that imports nothing. */
export function instantiateWat(text: string): WebAssembly.Instance {
  return new WebAssembly.Instance(new WebAssembly.Module(watToBytes(text)), {});
}
