/**
 * Which typenames two documents define alike (preview0 and preview1 share most of
 * theirs), so that one target's types module can re-export them from the other's
 * instead of carrying a second copy. A type is shared when the other document has
 * a type of the same name with the same description (describe.ts: shape, values,
 * bits and layout; doc text aside) and every type it names is shared too, down
 * to the leaves: `fdstat`, written alike in both, holds `rights`, which differ
 * (preview0 has no `sock_accept`), so each version keeps its own `fdstat`.
 */
import { isDeepStrictEqual } from "node:util";
import type { Document, NamedType } from "../model/types.js";
import { namedRefs } from "../model/walk.js";
import { describeType } from "./describe.js";

/** The names of `own`'s types that `other` defines identically, transitively; in `own`'s order. */
export function sharedTypeNames(own: Document, other: Document): string[] {
  const verdicts = new Map<string, boolean>();
  // Validation rejects recursive types, so this recursion ends.
  const isShared = (named: NamedType): boolean => {
    const known = verdicts.get(named.name);
    if (known !== undefined) return known;
    const counterpart = other.typesByName.get(named.name);
    const shared =
      counterpart !== undefined &&
      isDeepStrictEqual(describeType(named.type), describeType(counterpart.type)) &&
      namedRefs(named.type).every((ref) => isShared(ref.target));
    verdicts.set(named.name, shared);
    return shared;
  };
  return own.types.filter(isShared).map((named) => named.name);
}
