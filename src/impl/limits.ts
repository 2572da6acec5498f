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
