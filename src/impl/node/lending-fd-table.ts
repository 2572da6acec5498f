/**
 * The Node host's descriptor table: it lends the reads of a few descriptors to
 * the native fd_read (src/impl/node/native-read-lender.ts), so that wasm reads
 * them without JavaScript between two JavaScript calls on them. A descriptor
 * opened or read here may be lent; any later use of it through the table (a
 * lookup, a close, a renumber, a walk over the table) takes it back first, with
 * the state the native reads left (the position). The portable table has no
 * part of this, so browser bundles do not carry it.
 */
import { FdTable, type FdEntry } from "../fd-table.js";

/** What lends: the native side's slots and its mark per guest fd. */
export interface ReadLender {
  /** How many descriptors may be lent at once. */
  readonly slots: number;
  /**
   * Shared with the native side, one per guest fd below its length (the only fds
   * lent): 0 nothing, 1 fresh (the native side may lend it at its first read), 2 + slot lent.
   */
  readonly marks: Uint8Array;
  /** Whether the reads of the descriptor `entry` holds may be lent. */
  accepts(entry: FdEntry): boolean;
  /** For a descriptor just opened as `fd`: whether it may be lent at its first read, and if so, lets the native side. */
  offerFresh(fd: number, entry: FdEntry): boolean;
  /** The guest fd lent in `slot`, or -1. */
  lentFd(slot: number): number;
  /** Lends the reads of `fd` (an entry it accepts) in a free `slot`: from now on they are served natively. */
  lend(slot: number, fd: number, entry: FdEntry): void;
  /** Ends the loan in `slot`: `entry`, the table's entry of the fd lent there, takes its state back. */
  takeBack(slot: number, entry: FdEntry | undefined): void;
}

const fresh = 1;
const firstLent = 2;

export class LendingFdTable extends FdTable {
  #lender: ReadLender | null = null;
  /** The lender's marks; none before lending starts, so that every fd reads as unmarked. */
  #marks: Uint8Array = new Uint8Array(0);
  /** The slot taken back next when all are lent. */
  #nextSlot = 0;

  /** Starts lending (when the import object's fd_read is the native one). */
  lendReadsTo(lender: ReadLender): void {
    this.#lender = lender;
    this.#marks = lender.marks;
  }

  /** Offers `fd` to the lender: called after a read of it succeeded in JavaScript. */
  override noteRead(fd: number): void {
    const lender = this.#lender;
    if (lender === null || !(fd < this.#marks.length) || this.#marks[fd] !== 0) return;
    const entry = super.get(fd);
    if (entry === undefined || !lender.accepts(entry)) return;
    let slot = 0;
    while (slot < lender.slots && lender.lentFd(slot) !== -1) slot++;
    if (slot === lender.slots) {
      slot = this.#nextSlot;
      this.#nextSlot = (slot + 1) % lender.slots;
      // Its mark is firstLent + slot: a slot holds only an fd marked as lent there.
      this.#release(lender.lentFd(slot));
    }
    lender.lend(slot, fd, entry);
    this.#marks[fd] = firstLent + slot;
  }

  override insert(entry: FdEntry): number {
    const fd = super.insert(entry);
    // Marked fresh only now that the entry is in the table: the mark never outlives it.
    if (this.#lender !== null && fd >= 0 && fd < this.#marks.length && this.#lender.offerFresh(fd, entry)) {
      this.#marks[fd] = fresh;
    }
    return fd;
  }

  override get(fd: number): FdEntry | undefined {
    if (this.#marks[fd] > 0) this.#release(fd);
    return super.get(fd);
  }

  override settled(fd: number): FdEntry | undefined {
    if (this.#marks[fd] > 0) this.#release(fd);
    return super.settled(fd);
  }

  override withRights(fd: number, needed: number): ReturnType<FdTable["withRights"]> {
    if (this.#marks[fd] > 0) this.#release(fd);
    return super.withRights(fd, needed);
  }

  override place(fd: number, entry: FdEntry): void {
    if (this.#marks[fd] > 0) this.#release(fd);
    super.place(fd, entry);
  }

  override remove(fd: number): FdEntry | undefined {
    if (this.#marks[fd] > 0) this.#release(fd);
    return super.remove(fd);
  }

  override move(from: number, to: number): void {
    if (this.#marks[from] > 0) this.#release(from);
    if (this.#marks[to] > 0) this.#release(to);
    super.move(from, to);
  }

  override *[Symbol.iterator](): IterableIterator<[number, FdEntry]> {
    this.#releaseAll();
    yield* super[Symbol.iterator]();
  }

  override drain(): FdEntry[] {
    this.#releaseAll();
    return super.drain();
  }

  /** Clears `fd`'s mark; if it was lent, the loan ends and its entry takes the position back. */
  #release(fd: number): void {
    const mark = this.#marks[fd];
    this.#marks[fd] = 0;
    if (mark >= firstLent) this.#lender?.takeBack(mark - firstLent, super.get(fd));
  }

  #releaseAll(): void {
    for (let fd = 0; fd < this.#marks.length; fd++) if (this.#marks[fd] > 0) this.#release(fd);
  }
}
