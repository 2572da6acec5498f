/**
 * The call channel between a guest in a worker and its host on the embedder's
 * thread: one SharedArrayBuffer, used by one guest thread at a time.
 *
 * Layout (Int32 indices unless said otherwise):
 *   [STATE]    ANSWERED (host → worker: the slot is free / the answer is there)
 *              or CALLING (worker → host: a call is waiting in the slots)
 *   [FUNCTION] the function number (its index in the generated `forwardedFunctions`)
 *   [RESULT]   what the import returned (the errno)
 *   [OUTCOME]  RETURNED, or THREW: the import threw on the host thread (proc_exit's
 *              unwinding, a trap); the error stays there and the worker unwinds the guest
 *   [CLOSED]   set by the host when the run is over, to wake its own waiter
 *   bytes 64 + 8k: argument slot k, an i32 (`i32[ARG_I32 + 2k]`) or an i64 (`i64[ARG_I64 + k]`)
 *
 * Nothing here uses Node: the worker side also runs in a browser Worker.
 */
export const STATE = 0;
export const FUNCTION = 1;
export const RESULT = 2;
export const OUTCOME = 3;
export const CLOSED = 4;

export const ANSWERED = 0;
export const CALLING = 1;

export const RETURNED = 0;
export const THREW = 1;

/** Core parameters a function may have; codegen/emit/forward-emitter.ts checks every witx function against it. */
const ARG_SLOTS = 16;
const ARGS_BYTE_OFFSET = 64;
export const ARG_I32 = ARGS_BYTE_OFFSET / 4;
export const ARG_I64 = ARGS_BYTE_OFFSET / 8;
export const CHANNEL_BYTES = ARGS_BYTE_OFFSET + ARG_SLOTS * 8;

/** What the generated forwarders write into and call through. */
export interface ForwardChannel {
  readonly i32: Int32Array;
  readonly i64: BigInt64Array;
  /** Sends call `index` (its arguments already in the slots), waits, and returns the result; throws if the host threw. */
  call(index: number): number;
}
