/**
 * One promise for everyone waiting on a description's next change (data
 * arrived, the end, a connection queued), settled and replaced on each change.
 * Waiters share it, so a thousand polls of an idle stream hold one promise.
 */
export class ChangeSignal {
  private settle: (() => void) | null = null;
  private pending: Promise<void> | null = null;

  /** Settles at the next `notify()`. */
  next(): Promise<void> {
    this.pending ??= new Promise<void>((resolve) => (this.settle = resolve));
    return this.pending;
  }

  /** Wakes whoever waits; later waiters wait for the change after this one. */
  notify(): void {
    const settle = this.settle;
    this.settle = null;
    this.pending = null;
    settle?.();
  }
}
