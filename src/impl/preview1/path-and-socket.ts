// path_* and sock_*, chosen per host: one that can hold no directory or socket
// answers from streams-only.ts, and its bundle leaves path.ts and sock.ts out.
import type { HostContext } from "../context.js";
import { mergeMethods } from "../merge-methods.js";
import { createPathMethods } from "./path.js";
import { createSockMethods } from "./sock.js";

type PathAndSocketMethods = ReturnType<typeof createPathMethods> & ReturnType<typeof createSockMethods>;

export type PathAndSocketCalls = (ctx: HostContext) => PathAndSocketMethods;

export const pathAndSocketCalls: PathAndSocketCalls = (ctx) => mergeMethods(createPathMethods(ctx), createSockMethods(ctx));
