/**
 * Lowers a validated witx function to the core-wasm signature wasi-libc
 * imports it with: parameters in order (a string or list becomes a pointer
 * and a length), then one out-pointer per success value, returning the
 * errno as i32 when there is an `expected`.
 */
import type { AbiParam, CoreType, LoweredFunc } from "./lowering-types.js";
import { classifyParam, successValues } from "../model/abi-class.js";
import type { Func, TypeRef } from "../model/types.js";
import { resolve } from "../model/walk.js";

export function lowerFunction(func: Func): LoweredFunc {
  const params: AbiParam[] = [];
  for (const param of func.params) {
    const lowering = classifyParam(resolve(param.type));
    switch (lowering.kind) {
      case "value":
        params.push({ role: "value", name: param.name, core: lowering.core, param });
        break;
      case "pointer":
        params.push({ role: "pointer", name: param.name, core: "i32", param });
        break;
      case "sequence":
        params.push({ role: "sequence", part: "ptr", name: param.name, core: "i32", param });
        params.push({ role: "sequence", part: "len", name: `${param.name}_len`, core: "i32", param });
        break;
      case "unsupported":
        // Validation rejects these; reaching here means an unvalidated model.
        throw new Error(`cannot lower param $${param.name} of ${func.name}: ${lowering.reason}`);
    }
  }

  let okTypes: readonly TypeRef[] = [];
  let errorType: TypeRef | null = null;
  const results: CoreType[] = [];
  const result = func.results[0];
  if (result !== undefined) {
    const expected = resolve(result.type);
    if (expected.kind !== "expected") throw new Error(`cannot lower result of ${func.name}: not an expected`);
    okTypes = successValues(expected.ok);
    errorType = expected.error;
    results.push("i32");
  }
  okTypes.forEach((type, index) => {
    params.push({ role: "out", name: `retptr${index}`, core: "i32", index, type });
  });

  return { func, params, results, okTypes, errorType };
}

export function coreSignature(lowered: LoweredFunc): { params: CoreType[]; results: CoreType[] } {
  return { params: lowered.params.map((param) => param.core), results: [...lowered.results] };
}
