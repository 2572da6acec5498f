/**
 * Which symlink targets path_symlink refuses to create (`notcapable`): an
 * absolute one (as wasmtime refuses it), and a relative one that climbs above
 * the root of the descriptor the call came through, counted from the
 * directory the link goes in. The resolvers would refuse to follow either
 * anyway; refusing them at creation keeps a guest from leaving links behind
 * that lead outside for whoever follows them later without our resolver (the
 * embedder, another program, a differently rooted descriptor).
 *
 * The count is lexical: `..` after a component that is itself a symlink is
 * counted as leaving that component, so a few targets that would stay inside
 * once followed are refused too. What is created is always inside.
 */

/** `depth`: how many directories the link's own directory lies below the root (0: in the root itself). */
export function symlinkTargetLeavesRoot(target: string, depth: number): boolean {
  if (target.startsWith("/")) return true;
  let level = depth;
  for (const component of target.split("/")) {
    if (component === "" || component === ".") continue;
    if (component === "..") {
      if (--level < 0) return true;
    } else {
      level++;
    }
  }
  return false;
}
