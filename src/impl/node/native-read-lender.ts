/**
 * Lends the reads of host files to the native fd_read (native/fast/fast-calls.cc).
 *
 * The host keeps a file's position in JavaScript and reads with pread at it.
 * When a read of a guest fd succeeded here, the fd table lends the fd
 * (LendingFdTable.noteRead): its host fd and position go into a slot of the
 * state the native fd_read shares, and the guest's next reads of it are preadv
 * calls at that position, with no JavaScript at all. Any JavaScript call on
 * the fd (a lookup: seek, tell, write, stat, close, renumber, a read the
 * native side passed on) takes the loan back first, so the description has
 * its position again before it is used. A file of unknown kind is lent too:
 * where pread fails (a pipe: ESPIPE), the native side passes the call on
 * unchanged and the host learns the kind as before. Eight fds are lent at a
 * time (a program comparing two files reads both in turn), the oldest loan
 * ending first.
 */
import * as Right from "../../generated/preview1/rights.js";
import type { FdEntry } from "../fd-table.js";
import { HostFile } from "./host-file.js";
import type { ReadLender } from "./lending-fd-table.js";
import { lentSlots, slotGuestFd, slotHostFd, slotPosition } from "./native-fast-calls.js";

export class NativeReadLender implements ReadLender {
  readonly slots = lentSlots;
  readonly #words: Int32Array;
  readonly #positions: Float64Array;
  readonly #files: (HostFile | null)[] = new Array<HostFile | null>(lentSlots).fill(null);

  constructor(state: ArrayBuffer) {
    this.#words = new Int32Array(state);
    this.#positions = new Float64Array(state);
  }

  accepts(entry: FdEntry): boolean {
    const file = entry.description;
    return (entry.rightsBase & Right.fd_read) !== 0 && file instanceof HostFile && file.lendReads() !== null;
  }

  lend(slot: number, fd: number, entry: FdEntry): void {
    const file = entry.description as HostFile;
    this.#words[slotHostFd(slot)] = file.fd;
    this.#positions[slotPosition(slot)] = file.lendReads() ?? 0;
    this.#words[slotGuestFd(slot)] = fd;
    this.#files[slot] = file;
  }

  takeBack(slot: number): void {
    const file = this.#files[slot];
    if (file === null) return;
    this.#words[slotGuestFd(slot)] = -1;
    this.#files[slot] = null;
    file.takeReadsBack(this.#positions[slotPosition(slot)]);
  }
}
