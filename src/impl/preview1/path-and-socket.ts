// path_* and sock_*, chosen per host: one that can hold no directory or socket
// answers from streams-only.ts, and its bundle leaves path.ts and sock.ts out.
import type { HostClass } from "./compose-host.js";
import { hostClass, type HostMethods } from "./host-class.js";
import { mergeMethods } from "../merge-methods.js";
import { pathMethods } from "./path.js";
import { sockMethods } from "./sock.js";

/** The path_* and sock_* calls of a host. */
export type PathAndSocketCalls = HostMethods<
  | "path_open"
  | "path_create_directory"
  | "path_remove_directory"
  | "path_unlink_file"
  | "path_rename"
  | "path_link"
  | "path_symlink"
  | "path_readlink"
  | "path_filestat_get"
  | "path_filestat_set_times"
  | "sock_accept"
  | "sock_recv"
  | "sock_send"
  | "sock_shutdown"
>;

/** The host class with the full path_* and sock_* calls: the Node host, and a portable one with mounts. */
export const FullHost: HostClass = hostClass(mergeMethods(pathMethods, sockMethods));
