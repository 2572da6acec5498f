/**
 * Routes calls of native imports through wasm. On Node 20 the import object's
 * clock_time_get, random_get and fd_read are V8 fast calls (native/fast/fast-calls.cc),
 * whose native path runs only when wasm calls them; called from JavaScript they
 * go straight to the glue. So that the fuzzer reaches the native path, each such
 * import is called through a one-function module over the fuzzed memory.
 */
import { watToBytes } from "../support/compile-wat.js";
import type { ImportTable } from "./engine.js";
import type { FunctionSpec } from "./signatures.js";

const isNative = (fn: unknown) => typeof fn === "function" && Function.prototype.toString.call(fn).includes("[native code]");

export function callNativeThroughWasm(
  imports: ImportTable,
  memory: WebAssembly.Memory,
  specs: ReadonlyMap<string, FunctionSpec>,
): ImportTable {
  const routed: ImportTable = { ...imports };
  const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
  for (const [name, fn] of Object.entries(imports)) {
    const spec = specs.get(name);
    if (!isNative(fn) || spec === undefined || !spec.returns) continue;
    const params = spec.params.map((param) => param.core).join(" ");
    const locals = spec.params.map((_, index) => `(local.get ${index})`).join(" ");
    const module = new WebAssembly.Module(
      watToBytes(
        `(module
        (import "env" "memory" (memory 1 ${shared ? "65536 shared" : ""}))
        (import "wasi" "${name}" (func $f (param ${params}) (result i32)))
        (func (export "call") (param ${params}) (result i32) (call $f ${locals})))`,
        { threads: shared },
      ),
    );
    const instance = new WebAssembly.Instance(module, { env: { memory }, wasi: { [name]: fn } });
    routed[name] = instance.exports.call as ImportTable[string];
  }
  return routed;
}
