/**
 * The portable host: a Preview1Host that needs nothing but standard
 * JavaScript and web APIs, for the portable entry point (browsers, workers, and
 * Node when no host file system should be reachable). It is composed from the
 * same bootstrap as the Node host (host-bootstrap.ts); what differs is what
 * the descriptors are (in-memory stdio, directories given as descriptions)
 * and where time and randomness come from.
 */
import type { FileDescription } from "../description.js";
import { bootstrapHostWith, stdioDescriptionEntry, type HostOptions } from "../host-bootstrap.js";
import type { ClosableHost, HostClass } from "../preview1/compose-host.js";
import { FullHost } from "../preview1/path-and-socket.js";
import { createPortableClockSource } from "./clock-source.js";
import { createPortableRandomMethods } from "./random.js";
import { portableSleep } from "./sleep.js";

/**
 * fds 0, 1 and 2 are descriptions (see src/impl/stdio: input sources and output
 * sinks); the directories are `descriptionPreopens`, from fd 3 on. Defaults: the
 * web clocks (performance.now, performance.timeOrigin), Atomics.wait for sleep
 * (a timed loop where that is forbidden), crypto.getRandomValues.
 */
export type PortableHostOptions = HostOptions<FileDescription>;

/** close() closes every descriptor the guest still holds. */
export function createPortableHost(options: PortableHostOptions): ClosableHost {
  return portableHostWith(options, FullHost);
}

/** createPortableHost with the path_* and sock_* calls chosen by the caller (see bootstrapHostWith). */
export function portableHostWith(options: PortableHostOptions, Host: HostClass): ClosableHost {
  return bootstrapHostWith(
    options,
    {
      defaultClock: createPortableClockSource,
      defaultSleep: portableSleep,
      defaultRandom: createPortableRandomMethods,
      *initialEntries() {
        for (const description of [options.stdin, options.stdout, options.stderr]) yield stdioDescriptionEntry(description);
      },
    },
    Host,
  );
}
