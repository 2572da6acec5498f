/**
 * A descriptor the Node host could not open while starting: a missing or
 * unreadable preopen directory, a stdio fd that is not open. The message is
 * the one node:wasi shows for the same failure (`UVWASI_ENOENT, uvwasi_init`);
 * the WASI class turns the error into node:wasi's error object (its code,
 * errno and syscall), since it surfaces from the WASI constructor, and adds
 * what failed (`preopen` or `hostFd`) so the message can name it.
 */
import type { Errno } from "../../generated/preview1/types.js";

export class NodeHostStartError extends Error {
  constructor(
    /** The POSIX name, "ENOENT". */
    readonly errnoName: string,
    /** The WASI errno of the failure. */
    readonly errno: Errno,
    /** What could not be opened: a preopen's guest and host paths, or a stdio host fd. */
    readonly subject?: { preopen: [guestPath: string, hostPath: string] } | { hostFd: number },
  ) {
    super(`UVWASI_${errnoName}, uvwasi_init`);
  }
}
