/** A caught Node error as the WASI errno number the guest receives. */
import { errno, type Errno } from "../../generated/preview1/types.js";
import { errnoNameOf } from "./errno-map.js";

export function errnoOf(error: unknown): Errno {
  return errno[errnoNameOf(error)];
}

/** The `code` of a Node system error, or undefined. */
export function codeOf(error: unknown): string | undefined {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}
