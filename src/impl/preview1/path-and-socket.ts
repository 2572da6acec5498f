/**
 * The path_* and sock_* calls, the two groups that act on directories and
 * sockets. They are chosen per host (host-bootstrap.ts): a host whose
 * descriptors can be neither answers them from streams-only.ts, so a bundle
 * for such a host leaves path.ts and sock.ts out.
 */
import type { HostContext } from "../context.js";
import { createPathMethods } from "./path.js";
import { createSockMethods } from "./sock.js";

type PathAndSocketMethods = ReturnType<typeof createPathMethods> & ReturnType<typeof createSockMethods>;

/** Makes the path_* and sock_* methods of one host. */
export type PathAndSocketCalls = (ctx: HostContext) => PathAndSocketMethods;

export const pathAndSocketCalls: PathAndSocketCalls = (ctx) => ({ ...createPathMethods(ctx), ...createSockMethods(ctx) });
