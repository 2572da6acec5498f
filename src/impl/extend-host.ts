/**
 * Typed host composition: start from a host (the Node host, the portable one,
 * or `unimplementedPreview1Host()`), replace some methods, get a full
 * `Preview1Host` back.
 *
 *     const host = extendHost(base, (original) => ({
 *       path_unlink_file: () => errno.perm,
 *       fd_write(fd, iovs, result) {
 *         log(fd);
 *         return original.fd_write(fd, iovs, result);
 *       },
 *     }));
 *
 * The overrides object is contextually typed by `Partial<Preview1Host>`, so
 * each method's parameters are inferred from the generated interface and its
 * result is checked against it; a name that is not a WASI function is an
 * excess-property error at compile time (and a TypeError at run time, for
 * JavaScript callers). `original` holds the methods as they were before this
 * call, so an override can delegate to the one it replaces.
 */
import type { Preview1Host } from "../generated/preview1/host.js";

/** Some of the host's methods, each typed as the generated interface declares it. */
export type HostOverrides = Partial<Preview1Host>;

/**
 * Maps every key of `O` that the host does not have to a message type. Return
 * values of callbacks get no excess-property check of their own (the object
 * literal is not "fresh" by the time its function is compared), so `extendHost`
 * infers the overrides' type and intersects it with this to reject them; the
 * compiler then says the override is not assignable to type
 * "path_unlink_fil is not a WASI function of Preview1Host".
 */
export type OnlyHostMethods<O> = { [K in Exclude<keyof O, keyof Preview1Host>]: `${K & string} is not a WASI function of Preview1Host` };

/**
 * `base` with the methods `extension` returns put in place of its own. Extra
 * members of `base` (such as the Node host's `close()`) are kept, so the
 * result has `base`'s type. `base` itself is not changed.
 */
export function extendHost<H extends Preview1Host, O>(
  base: H,
  extension: (original: Readonly<Preview1Host>) => HostOverrides & O & OnlyHostMethods<O>,
): H {
  const original: Readonly<Preview1Host> = Object.freeze({ ...base });
  const overrides = extension(original);
  for (const [name, method] of Object.entries(overrides)) {
    if (!(name in original)) throw new TypeError(`extendHost: "${name}" is not a method of the host`);
    if (typeof method !== "function") throw new TypeError(`extendHost: the override of "${name}" is not a function`);
  }
  // One spread of an Object.assign, not a literal of two spreads: V8 adds each spread source's
  // properties one runtime call at a time and gives the result a map of its own; Object.assign
  // alone gives a dictionary past 16 properties, on which the glue's loads are slow. This way:
  // fast properties, one map for every extended host (measured in one process, Node 20).
  return { ...Object.assign({}, base, overrides) };
}
