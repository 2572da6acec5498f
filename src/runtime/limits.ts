/**
 * Bounds on what a guest can make the host do or allocate in one call: their one
 * definition, defaults and validation. The glue enforces the per-call ones before
 * it decodes anything (`maxIovecs`, `maxPathBytes`), the hosts the rest; each is
 * checked before any work proportional to it is done.
 */
export interface HostLimits {
  /** Open descriptors, stdio and preopens included; path_open beyond it gives `mfile` (this process's table is full). */
  maxOpenFds: number;
  /**
   * iovecs (or any other list) in one call, default 1024 (POSIX IOV_MAX); more give
   * `inval` before a view is built for any of them.
   */
  maxIovecs: number;
  /**
   * UTF-8 bytes in one path (or any other string), default 4096, Linux's PATH_MAX;
   * longer ones give `nametoolong` before they are decoded. PATH_MAX counts the C
   * string's NUL, which a WASI path (pointer and length) does not carry, so a
   * 4096-byte guest path is accepted here; the host call then refuses a result the
   * OS cannot take with its own ENAMETOOLONG. The Node resolver's default is this value.
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

/** Why a given `limits` option was refused; `option` is its full name (`options.limits.maxIovecs`). */
export type LimitProblem =
  | { readonly kind: "not-an-object"; readonly option: string; readonly value: unknown }
  | { readonly kind: "unknown-limit"; readonly option: string; readonly value: unknown; readonly known: readonly string[] }
  | { readonly kind: "not-a-number"; readonly option: string; readonly value: unknown }
  | { readonly kind: "not-a-positive-integer"; readonly option: string; readonly value: unknown };

/** Limits this module produced: handing them on (WASI class → host → glue) does not check them again. */
const resolved = new WeakSet<HostLimits>();

/**
 * Fills in defaults for the limits left out and refuses anything else than known
 * limits set to positive integers. `option` names the option in messages; `report`
 * lets an entry point build errors in its own style (the WASI class: Node's).
 */
export function resolveHostLimits(
  given: unknown = {},
  option = "limits",
  report: (problem: LimitProblem) => Error = limitError,
): Readonly<HostLimits> {
  if (resolved.has(given as HostLimits)) return given as HostLimits;
  if (given === null || typeof given !== "object" || Array.isArray(given)) {
    throw report({ kind: "not-an-object", option, value: given });
  }
  const limits: HostLimits = { ...defaultHostLimits };
  const known = Object.keys(defaultHostLimits);
  for (const [key, value] of Object.entries(given)) {
    const name = `${option}.${key}`;
    if (!known.includes(key)) throw report({ kind: "unknown-limit", option: name, value, known });
    if (value === undefined) continue;
    if (typeof value !== "number") throw report({ kind: "not-a-number", option: name, value });
    if (!Number.isSafeInteger(value) || value < 1) throw report({ kind: "not-a-positive-integer", option: name, value });
    limits[key as keyof HostLimits] = value;
  }
  Object.freeze(limits);
  resolved.add(limits);
  return limits;
}

function limitError(problem: LimitProblem): Error {
  const received = typeof problem.value === "string" ? JSON.stringify(problem.value) : String(problem.value);
  switch (problem.kind) {
    case "not-an-object":
      return new TypeError(`The "${problem.option}" option must be an object. Received ${received}`);
    case "unknown-limit":
      return new TypeError(`The "${problem.option}" option is not a host limit (known: ${problem.known.join(", ")})`);
    case "not-a-number":
    case "not-a-positive-integer":
      return new RangeError(`The "${problem.option}" option must be a positive integer. Received ${received}`);
  }
}
