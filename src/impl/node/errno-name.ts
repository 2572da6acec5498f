// WASI errnos by name: host code speaks in names so that it reads like the spec
// ("badf", "notcapable"); `errno[name]` gives the number. Both come from the
// generated types, so the list cannot drift from the witx.
import { type errno, errnoNames as generatedErrnoNames } from "../../generated/preview1/types.js";

export type ErrnoName = keyof typeof errno;

/** Every errno name, indexed by its value. */
export const errnoNames = generatedErrnoNames as readonly ErrnoName[];
