/**
 * The Node host's descriptor table: it lends the reads of a few descriptors to
 * the native fd_read (src/impl/node/native-read-lender.ts), so that wasm reads
 * them without JavaScript between two JavaScript calls on them. A descriptor
 * read here may be lent; any later use of it through the table (a
 * lookup, a close, a renumber, a walk over the table) takes it back first, with
 * the state the native reads left (the position). The portable table has no
 * part of this, so browser bundles do not carry it.
 */
import { FdTable, type FdEntry } from "../fd-table.js";

/** What lends: the native side's slots. */
export interface ReadLender {
  /** How many descriptors may be lent at once. */
  readonly slots: number;
  /** Whether the reads of the descriptor `entry` holds may be lent. */
  accepts(entry: FdEntry): boolean;
  /** Lends the reads of `fd` (an entry it accepts) in a free `slot`: from now on they are served natively. */
  lend(slot: number, fd: number, entry: FdEntry): void;
  /** Ends the loan in `slot`: the description takes its state back. */
  takeBack(slot: number): void;
}

export class LendingFdTable extends FdTable {
  #lender: ReadLender | null = null;
  /** The fd lent in each of the lender's slots, or -1. */
  #lentFds: number[] = [];
  /** The slot of each lent fd (undefined for the others). */
  #slotOf: (number | undefined)[] = [];
  /** The slot taken back next when all are lent. */
  #nextSlot = 0;

  /** Starts lending (when the import object's fd_read is the native one). */
  lendReadsTo(lender: ReadLender): void {
    this.#lender = lender;
    this.#lentFds = new Array<number>(lender.slots).fill(-1);
  }

  /**
   * Offers `fd` to the lender: called after a read of it succeeded in JavaScript. Not at
   * open: lending and taking back cost open + close 8 % (measured with open-close-d1), and
   * the first read of a file passing through JavaScript costs less than that.
   */
  noteRead(fd: number): void {
    const lender = this.#lender;
    const entry = super.get(fd);
    if (lender === null || entry === undefined || this.#slotOf[fd] !== undefined || !lender.accepts(entry)) return;
    let slot = this.#lentFds.indexOf(-1);
    if (slot === -1) {
      slot = this.#nextSlot;
      this.#nextSlot = (slot + 1) % lender.slots;
      this.#takeBack(this.#lentFds[slot]);
    }
    lender.lend(slot, fd, entry);
    this.#slotOf[fd] = slot;
    this.#lentFds[slot] = fd;
  }

  override get(fd: number): FdEntry | undefined {
    if (this.#slotOf[fd] !== undefined) this.#takeBack(fd);
    return super.get(fd);
  }

  override settled(fd: number): FdEntry | undefined {
    if (this.#slotOf[fd] !== undefined) this.#takeBack(fd);
    return super.settled(fd);
  }

  override withRights(fd: number, needed: number): ReturnType<FdTable["withRights"]> {
    if (this.#slotOf[fd] !== undefined) this.#takeBack(fd);
    return super.withRights(fd, needed);
  }

  override place(fd: number, entry: FdEntry): void {
    if (this.#slotOf[fd] !== undefined) this.#takeBack(fd);
    super.place(fd, entry);
  }

  override remove(fd: number): FdEntry | undefined {
    if (this.#slotOf[fd] !== undefined) this.#takeBack(fd);
    return super.remove(fd);
  }

  override move(from: number, to: number): void {
    if (this.#slotOf[from] !== undefined) this.#takeBack(from);
    super.move(from, to);
  }

  override *[Symbol.iterator](): IterableIterator<[number, FdEntry]> {
    this.#takeBackAll();
    yield* super[Symbol.iterator]();
  }

  override drain(): FdEntry[] {
    this.#takeBackAll();
    return super.drain();
  }

  #takeBack(fd: number): void {
    const slot = this.#slotOf[fd] as number;
    this.#slotOf[fd] = undefined;
    this.#lentFds[slot] = -1;
    this.#lender?.takeBack(slot);
  }

  #takeBackAll(): void {
    for (const fd of this.#lentFds) if (fd !== -1) this.#takeBack(fd);
  }
}
