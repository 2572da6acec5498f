/**
 * Assembles an object from groups of methods (path_* and sock_*, a host and an
 * embedder's overrides in extendHost), typed as the intersection of the groups,
 * so the compiler still checks that they cover the interface.
 *
 * Not an object literal of spreads: V8 adds each spread source's properties
 * one runtime call at a time (62 µs for a whole host, 47 methods from 8
 * groups, on every WASI instance) and gives each host its own map. Nor
 * Object.assign alone: past 16 properties its result is a dictionary, which
 * the glue's loads of host methods cannot be fast on. Object.assign, then one
 * spread of it into a literal: 2–3 µs, fast properties, one map for every
 * host (measured in one process, Node 20).
 */
export function mergeMethods<Groups extends readonly object[]>(...groups: Groups): Intersection<Groups[number]> {
  return { ...Object.assign({}, ...groups) } as Intersection<Groups[number]>;
}

/** The intersection of the members of the union `U`. */
export type Intersection<U> = (U extends unknown ? (member: U) => void : never) extends (member: infer I) => void ? I : never;
