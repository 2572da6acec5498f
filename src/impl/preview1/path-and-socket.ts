// path_* and sock_*, chosen per host: one that can hold no directory or socket
// answers from streams-only.ts, and its bundle leaves path.ts and sock.ts out.
import type { HostClass } from "./compose-host.js";
import { hostClass } from "./host-class.js";
import { pathMethods } from "./path.js";
import { sockMethods } from "./sock.js";

/** The path_* and sock_* calls of a host: what streams-only.ts answers too. */
export type PathAndSocketCalls = typeof pathMethods & typeof sockMethods;

/** The host class with the full path_* and sock_* calls: the Node host, and a portable one with mounts. */
export const FullHost: HostClass = hostClass({ ...pathMethods, ...sockMethods });
