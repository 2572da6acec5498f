/**
 * The "host:port" form of a listening socket, shared by the worker runner's
 * `sockets` option and the CLI's --listen (which checks it before any run).
 * A module of its own so the CLI's bundle can carry a copy of it (scripts/bundle.mjs).
 */

/** "host:port" or "[v6 host]:port", port 0 to 65535 (0: any free port). */
export function parseListenAddress(text: string): { host: string; port: number } | null {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (match === null) return null;
  const port = Number(match[3]);
  if (port > 65535) return null;
  return { host: match[1] ?? match[2], port };
}
