/**
 * The guest's descriptor table: an array indexed by fd, holding the WASI state
 * of each descriptor next to the description it points at. Rights and fdflags
 * live here, never in host fcntl flags, so they mean the same for every kind
 * of description.
 *
 * Numbering follows POSIX: a new descriptor gets the lowest free number at or
 * above 3 (0, 1 and 2 are stdio and only ever filled by construction or
 * fd_renumber).
 */
import type { Errno, Fdflags } from "../generated/preview1/types.js";
import * as errno from "../generated/preview1/errno.js";
import type { FileDescription } from "./description.js";
import { maximumRightsFor, type RightsPair } from "./rights.js";

export class FdEntry {
  /**
   * False while the description's kind is unknown; `grantBase` and
   * `grantInheriting` then hold the rights granted before limiting them to
   * what that kind allows.
   */
  private kindSettled = true;
  private grantBase = 0;
  private grantInheriting = 0;

  constructor(
    /** Replaced only when settling turns it into another description over the same resource. */
    public description: FileDescription,
    /** Rights for calls on this descriptor (see rights.ts: plain numbers). */
    public rightsBase: number,
    /** Upper bound on the rights of descriptors opened through this one. */
    public rightsInheriting: number,
    /** append and nonblock are honoured; the sync flags are what the host file was opened with. */
    public fdflags: Fdflags,
    /** The UTF-8 name of a preopened directory, null for every other descriptor. */
    readonly preopenName: Uint8Array | null = null,
  ) {}

  /**
   * An entry for a description of unknown kind. Until it is settled it holds
   * the granted rights limited to what a file may do: the calls that do not
   * settle it (read, write, seek, ...) are file calls, and on anything else
   * the host refuses them itself. Every call that depends on the kind, or
   * shows the rights, settles it first.
   */
  static unsettled(description: FileDescription, base: number, inheriting: number, fileMaximum: RightsPair, fdflags: Fdflags): FdEntry {
    const entry = new FdEntry(description, base & fileMaximum.base, inheriting & fileMaximum.inheriting, fdflags);
    entry.kindSettled = false;
    entry.grantBase = base;
    entry.grantInheriting = inheriting;
    return entry;
  }

  get settled(): boolean {
    return this.kindSettled;
  }

  /** Learns the description's kind and limits the rights to it. */
  settle(): void {
    if (this.kindSettled) return;
    this.kindSettled = true;
    this.description = this.description.settle();
    const maximum = maximumRightsFor(this.description.filetype);
    this.rightsBase = this.grantBase & maximum.base;
    this.rightsInheriting = this.grantInheriting & maximum.inheriting;
  }
}

/** The first number path_open hands out. */
const firstDynamicFd = 3;

export class FdTable {
  private readonly entries: (FdEntry | undefined)[] = [];
  private open = 0;
  /** No free number below this one (at or above firstDynamicFd). */
  private lowestFree = firstDynamicFd;

  constructor(private readonly maxOpen: number) {}

  get(fd: number): FdEntry | undefined {
    return this.entries[fd];
  }

  /** Told of every fd_read that succeeded in JavaScript; a table that lends fds to a native reader lends this one again. */
  noteRead(_fd: number): void {}

  /** The entry with its description's kind known, for calls that depend on it. */
  settled(fd: number): FdEntry | undefined {
    const entry = this.entries[fd];
    if (entry !== undefined && !entry.settled) entry.settle();
    return entry;
  }

  /**
   * The entry for `fd` if it holds every right in `needed`; otherwise the errno
   * the call should fail with (badf for no descriptor, notcapable for missing rights).
   */
  withRights(fd: number, needed: number): FdEntry | Errno {
    const entry = this.entries[fd];
    if (entry === undefined) return errno.badf;
    if ((entry.rightsBase & needed) !== needed) return errno.notcapable;
    return entry;
  }

  get size(): number {
    return this.open;
  }

  get hasRoom(): boolean {
    return this.open < this.maxOpen;
  }

  /** Puts `entry` at the lowest free number >= 3; returns that number, or -1 when the table is full. */
  insert(entry: FdEntry): number {
    if (this.open >= this.maxOpen) return -1;
    const entries = this.entries;
    let fd = this.lowestFree;
    while (fd < entries.length && entries[fd] !== undefined) fd++;
    if (fd === entries.length) entries.push(entry);
    else entries[fd] = entry;
    this.open++;
    this.lowestFree = fd + 1;
    return fd;
  }

  /** Puts `entry` at a given number during construction (stdio, preopens). */
  place(fd: number, entry: FdEntry): void {
    while (this.entries.length < fd) this.entries.push(undefined);
    if (this.entries[fd] === undefined) this.open++;
    this.entries[fd] = entry;
    this.recomputeLowestFree();
  }

  /** Takes the entry out of the table; the caller closes its description. */
  remove(fd: number): FdEntry | undefined {
    const entry = this.entries[fd];
    if (entry === undefined) return undefined;
    this.entries[fd] = undefined;
    this.open--;
    if (fd >= firstDynamicFd && fd < this.lowestFree) this.lowestFree = fd;
    this.trim();
    return entry;
  }

  /** Moves the entry at `from` to `to` (which must be free). */
  move(from: number, to: number): void {
    const entry = this.entries[from];
    if (entry === undefined || this.entries[to] !== undefined) throw new Error(`fd table: cannot move ${from} to ${to}`);
    this.entries[from] = undefined;
    this.entries[to] = entry;
    if (from >= firstDynamicFd && from < this.lowestFree) this.lowestFree = from;
    if (to === this.lowestFree) this.recomputeLowestFree();
    this.trim();
  }

  /** Every open descriptor number with its entry, lowest first. */
  *[Symbol.iterator](): IterableIterator<[number, FdEntry]> {
    for (let fd = 0; fd < this.entries.length; fd++) {
      const entry = this.entries[fd];
      if (entry !== undefined) yield [fd, entry];
    }
  }

  /** Empties the table and returns what it held, for closing. */
  drain(): FdEntry[] {
    const held = this.entries.filter((entry): entry is FdEntry => entry !== undefined);
    this.entries.length = 0;
    this.open = 0;
    this.lowestFree = firstDynamicFd;
    return held;
  }

  private recomputeLowestFree(): void {
    let fd = firstDynamicFd;
    while (fd < this.entries.length && this.entries[fd] !== undefined) fd++;
    this.lowestFree = fd;
  }

  /** Drops trailing holes so the array does not grow with churn (pop, not `length--`: a runtime call per close). */
  private trim(): void {
    const entries = this.entries;
    while (entries.length > 0 && entries[entries.length - 1] === undefined) entries.pop();
  }
}
