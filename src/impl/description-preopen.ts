/**
 * A preopen whose directory is a description rather than a host path (an
 * in-memory directory, an embedder's own `Directory`): the same rights and
 * prestat name as a host preopen. The description is made by the host once
 * its clock and limits exist, so timestamps come from the host's clock.
 */
import type { HostContext } from "./context.js";
import type { FileDescription } from "./description.js";
import { FdEntry } from "./fd-table.js";
import { directoryInheritingRights, directoryRights } from "./rights.js";

export type DescriptionPreopen = readonly [guestPath: string, open: (context: Pick<HostContext, "clock" | "limits">) => FileDescription];

export function descriptionPreopenEntry(guestPath: string, description: FileDescription): FdEntry {
  if (description.directory === null) throw new TypeError(`preopen ${guestPath}: the description is not a directory`);
  return new FdEntry(description, directoryRights, directoryInheritingRights, 0, new TextEncoder().encode(guestPath));
}
