/**
 * The error policy: what the guest gets for every way a call can fail because of
 * what the guest passed or what host code did. This table is the only place that
 * decides it; the generated glue names a kind and `CallPolicy` resolves the table
 * to numbers once per import object, so a successful call never consults it.
 *
 * - A bad pointer traps, as the witx docs say such a call shall and as wasmtime
 *   does; an embedder that asks for `badPointer: "fault"` gets the errno instead.
 * - A value its type does not allow, and input over a limit, give their errno
 *   before any work proportional to the input is done.
 * - An exception thrown by host code gives `io` unless the `onHostError` hook
 *   picks another errno; traps and passthrough errors (the exit signal) unwind.
 */

/** Every kind of guest-caused failure the glue and the pointers it hands out detect. */
export type GuestErrorKind =
  /** A pointer (or a buffer inside an iovec) whose range ends past the end of memory. */
  | "outOfBounds"
  /** A pointer that is not a multiple of its type's alignment. */
  | "misaligned"
  /** A pointer plus a length past 2^32: the range would wrap around in 32-bit arithmetic. */
  | "lengthOverflow"
  /** An enum value (an argument, or a tag read from memory) past the last case. */
  | "badEnum"
  /** A flags value with bits set that the flags type does not define. */
  | "badFlags"
  /** A string that is not valid UTF-8. */
  | "badUtf8"
  /** A string longer than `maxPathBytes`. */
  | "stringTooLong"
  /** A list longer than `maxIovecs`. */
  | "listTooLong"
  /** Host code threw something that is neither a trap nor a passthrough error. */
  | "hostException";

/** The errnos the policy may answer with, by their witx names (each module's `errno` enum gives the numbers). */
export type PolicyErrno = "fault" | "inval" | "ilseq" | "nametoolong" | "io";

export interface PolicyEntry {
  /** `trap`: a `WebAssembly.RuntimeError`, or `errno` under `badPointer: "fault"`. `errno`: always `errno`. */
  readonly outcome: "trap" | "errno";
  readonly errno: PolicyErrno;
}

export const errorPolicy: { readonly [Kind in GuestErrorKind]: PolicyEntry } = {
  outOfBounds: { outcome: "trap", errno: "fault" },
  misaligned: { outcome: "trap", errno: "fault" },
  lengthOverflow: { outcome: "trap", errno: "fault" },
  badEnum: { outcome: "errno", errno: "inval" },
  badFlags: { outcome: "errno", errno: "inval" },
  badUtf8: { outcome: "errno", errno: "ilseq" },
  stringTooLong: { outcome: "errno", errno: "nametoolong" },
  listTooLong: { outcome: "errno", errno: "inval" },
  hostException: { outcome: "errno", errno: "io" },
};

/** The kinds that concern a pointer: the ones a range check can fail with. */
export type PointerErrorKind = "outOfBounds" | "misaligned" | "lengthOverflow";
