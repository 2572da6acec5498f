/**
 * Bounds on what a guest can make the host do or allocate in one call. Each
 * is checked before any work proportional to it is done.
 */
export interface HostLimits {
  /** Open descriptors, stdio and preopens included; path_open beyond it gives `nfile`. */
  maxOpenFds: number;
  /** iovecs in one read or write call (POSIX IOV_MAX); more give `inval`. */
  maxIovecs: number;
  /**
   * UTF-8 bytes in one path; longer paths give `nametoolong`. Default 4096,
   * Linux's PATH_MAX. That count includes the C string's NUL, which a WASI
   * path (pointer and length) does not carry, so a 4096-byte guest path is
   * accepted here; the host call then refuses a result the OS cannot take
   * with its own ENAMETOOLONG. The Node resolver's default is this value.
   */
  maxPathBytes: number;
  /** Subscriptions in one poll_oneoff; more give `inval`. */
  maxPollSubscriptions: number;
  /** Symbolic links expanded while resolving one path; more give `loop`. */
  maxSymlinkHops: number;
}

export const defaultHostLimits: Readonly<HostLimits> = Object.freeze({
  maxOpenFds: 1024,
  maxIovecs: 1024,
  maxPathBytes: 4096,
  maxPollSubscriptions: 4096,
  maxSymlinkHops: 40,
});

/** Fills in defaults and refuses values that are not positive integers. */
export function resolveHostLimits(given: Partial<HostLimits> = {}): HostLimits {
  const limits: HostLimits = { ...defaultHostLimits };
  for (const key of Object.keys(defaultHostLimits) as (keyof HostLimits)[]) {
    const value = given[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`host limit ${key} must be a positive integer, got ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}

/**
 * The most bytes one read, write, send or receive call moves, whatever its
 * iovecs add up to: Linux's MAX_RW_COUNT, the most one read(2)/write(2)
 * transfers (a short count beyond it is legal). A guest can name one buffer
 * many times, so a list's total is not bounded by its memory; cutting every
 * list to this total before any description sees it keeps counts below 2^31
 * (Node and libuv report them as 32-bit ints) and bounds what one call can
 * make the host write, copy or wait for.
 */
export const maxBytesPerCall = 0x7ffff000;

/** `buffers` cut to a total of at most maxBytesPerCall: the list itself when it is within (no copy). */
export function withinBytesPerCall(buffers: readonly Uint8Array[]): readonly Uint8Array[] {
  let total = 0;
  for (let i = 0; i < buffers.length; i++) {
    const length = buffers[i].length;
    if (length > maxBytesPerCall - total) {
      const kept = buffers.slice(0, i);
      const room = maxBytesPerCall - total;
      if (room > 0) kept.push(buffers[i].subarray(0, room));
      return kept;
    }
    total += length;
  }
  return buffers;
}
