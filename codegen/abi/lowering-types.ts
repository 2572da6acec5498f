/**
 * The core-wasm shape of each witx function, as wasi-libc calls it.
 * The glue emitter walks these steps; golden tests pin them.
 */
import type { CoreType } from "../model/abi-class.js";
import type { Func, Param, TypeRef } from "../model/types.js";

export type { CoreType };

/** One core-wasm parameter and where it comes from. */
export type AbiParam =
  /** A scalar, enum, flags or handle passed by value. */
  | { readonly role: "value"; readonly name: string; readonly core: CoreType; readonly param: Param }
  /** A `(@witx pointer T)` / `(@witx const_pointer T)`: a guest address. */
  | { readonly role: "pointer"; readonly name: string; readonly core: "i32"; readonly param: Param }
  /** The address (`part: "ptr"`) or the element count / byte length (`part: "len"`) of a `string` or `list`. */
  | {
      readonly role: "sequence";
      readonly part: "ptr" | "len";
      readonly name: string;
      readonly core: "i32";
      readonly param: Param;
    }
  /** An out-pointer where the glue stores the i-th success value (a tuple gives one per element). */
  | { readonly role: "out"; readonly name: string; readonly core: "i32"; readonly index: number; readonly type: TypeRef };

export interface LoweredFunc {
  readonly func: Func;
  readonly params: readonly AbiParam[];
  /** `["i32"]` (the error enum) for functions with an `expected` result, `[]` for noreturn or none. */
  readonly results: readonly CoreType[];
  /** The success values, one per out-pointer, in order. */
  readonly okTypes: readonly TypeRef[];
  /** The `expected`'s error type (errno), or null. */
  readonly errorType: TypeRef | null;
}
