/**
 * Lends the reads of host files to the native fd_read (native/fast/fast-calls.cc).
 *
 * The host keeps a file's position in JavaScript and reads with pread at it.
 * A file lent has its host fd and position in a slot of the state the native
 * fd_read shares, and the guest's reads of it are preadv calls at that
 * position, with no JavaScript at all. A file is lent two ways:
 * - opened (LendingFdTable.insert), it is marked *fresh*: its host fd goes
 *   into the state, and its first read, if it is native, lends it to a free
 *   slot there, at position 0; nothing else happens at open or close, which
 *   keeps open+close as cheap as without lending;
 * - read in JavaScript (the slots were full, or it had been taken back), the
 *   table lends it after the read (LendingFdTable.noteRead).
 * Any JavaScript call on the fd (a lookup: seek, tell, write, stat, close,
 * renumber, a read the native side passed on) takes the loan back first and
 * clears a fresh mark, so the description has its position again before it
 * is used and the native side never holds a host fd JavaScript may have
 * changed or closed. A file of unknown kind is lent too: where pread fails (a
 * pipe: ESPIPE), the native side passes the call on unchanged and the host
 * learns the kind as before. Eight fds are lent at a time (a program comparing
 * two files reads both in turn), the oldest loan ending first when JavaScript
 * lends; only guest fds below 128 are lent.
 */
import * as Right from "../../generated/preview1/rights.js";
import type { FdEntry } from "../fd-table.js";
import { HostFile } from "./host-file.js";
import type { ReadLender } from "./lending-fd-table.js";
import { freshHostFdsAt, lendableFds, lentSlots, marksAt, slotGuestFd, slotHostFd, slotPosition } from "./native-fast-calls.js";

export class NativeReadLender implements ReadLender {
  readonly slots = lentSlots;
  readonly marks: Uint8Array;
  readonly #words: Int32Array;
  readonly #positions: Float64Array;
  readonly #freshHostFds: Int32Array;

  constructor(state: ArrayBuffer) {
    this.#words = new Int32Array(state);
    this.#positions = new Float64Array(state);
    this.marks = new Uint8Array(state, marksAt, lendableFds);
    this.#freshHostFds = new Int32Array(state, freshHostFdsAt, lendableFds);
  }

  accepts(entry: FdEntry): boolean {
    const file = readableFile(entry);
    return file !== null && file.lendReads() !== null;
  }

  offerFresh(fd: number, entry: FdEntry): boolean {
    const file = readableFile(entry);
    if (file === null || file.lendReads() !== 0) return false;
    this.#freshHostFds[fd] = file.fd;
    return true;
  }

  lentFd(slot: number): number {
    return this.#words[slotGuestFd(slot)];
  }

  lend(slot: number, fd: number, entry: FdEntry): void {
    const file = entry.description as HostFile;
    this.#words[slotHostFd(slot)] = file.fd;
    this.#positions[slotPosition(slot)] = file.lendReads() ?? 0;
    this.#words[slotGuestFd(slot)] = fd;
  }

  takeBack(slot: number, entry: FdEntry | undefined): void {
    this.#words[slotGuestFd(slot)] = -1;
    const file = entry?.description;
    if (file instanceof HostFile) file.takeReadsBack(this.#positions[slotPosition(slot)]);
  }
}

/** The host file `entry` holds, if it may be read through it. */
function readableFile(entry: FdEntry): HostFile | null {
  const file = entry.description;
  return (entry.rightsBase & Right.fd_read) !== 0 && file instanceof HostFile ? file : null;
}
