/**
 * The WASI class without Node: option handling, the import object, start,
 * initialize and close, over a host built by a platform. The portable entry
 * point (src/portable.ts) runs it on the portable host, which needs only web APIs;
 * the Node entry point (src/wasi/wasi.ts) gives it the Node host and node:wasi's
 * process exit. Nothing reachable from here imports a `node:` module (a test
 * bundles src/portable.ts for the browser to keep it so).
 */
import { seededRandomBytes } from "../impl/deterministic/seeded-random.js";
import { createVirtualTime } from "../impl/deterministic/virtual-time.js";
import { randomMethodsFrom } from "../impl/preview1/random.js";
import type { Preview1Host } from "../generated/preview1/host.js";
import type { ClockSource } from "../impl/context.js";
import type { MountPlan } from "../impl/memory/mount-planner.js";
import type { FileDescription } from "../impl/description.js";
import type { HostLimits } from "../impl/limits.js";
import type { ClosableHost } from "../impl/preview1/compose-host.js";
import { createPreview1Imports } from "../generated/preview1/glue.js";
import type { ImportsBuilder, WasiFeature, WasiImport } from "./features.js";
import { parseMounts } from "./wasi-mounts.js";
import { WasiSession } from "./wasi-session.js";
import type { GlueOptions, WasmMemory } from "../runtime/index.js";
import { reportHostErrorsOnce } from "./host-error-report.js";
import type { TraceImports } from "./trace-option.js";
import { invalidArgValue, wasiNotStarted } from "./node-errors.js";
import { describeStdio, type StdioSlot } from "./stdio-options.js";
import { parseExtraOptions, type WasiExtraOptions } from "./wasi-extra-options.js";
import { validateInstanceForInitialize, validateInstanceForStart, type WasiLifecycleState } from "./wasi-lifecycle.js";
import { parseWasiOptions, type ParsedWasiOptions, type WasiVersion } from "./wasi-options.js";

/** The options both entry points take: node:wasi's (as far as the platform supports them) and ours. */
export interface WasiBaseOptions extends WasiExtraOptions {
  /** `"preview1"` (module `wasi_snapshot_preview1`) or `"unstable"` (`wasi_unstable`). Leaving it out means preview1, Node 18 style. */
  version?: WasiVersion;
  /** The guest's argv, including argv[0]; each converted with String(). */
  args?: readonly unknown[];
  /** The guest's environment, name → value; `undefined` values are left out. Typed `object` like node:wasi's, so `process.env` fits. */
  env?: object;
  /**
   * true: proc_exit makes `start()` return the code. false: proc_exit ends the
   * process (Node only; without a process to end, the portable entry point always returns).
   */
  returnOnExit?: boolean;
}

/** Everything a platform needs to build the host of one WASI object. */
interface HostSetup {
  parsed: ParsedWasiOptions;
  /** "KEY=VALUE" strings, in order. */
  env: string[];
  /** fds 0, 1, 2: descriptions from the `stdio` option, or host fd numbers. */
  stdio: [StdioSlot, StdioSlot, StdioSlot];
  /** Set in deterministic mode; otherwise the platform's own clock, sleep and random source. */
  time: { clock: ClockSource; sleep(nanoseconds: bigint): void } | null;
  random: Pick<Preview1Host, "random_get"> | null;
  /** What proc_exit calls; it throws (or ends the process). */
  onExit: (code: number) => never;
  /** Resource bounds, defaults filled in. */
  limits: HostLimits;
  /** In-memory directories and embedder files from the `mounts` option, as preopens after the host ones; null without mounts. */
  mounts: MountPlan | null;
  /** Sockets right after stdio (the worker runner's `sockets` option). */
  sockets?: readonly { readonly description: FileDescription; readonly listening: boolean }[];
}

/** What differs between the Node and the portable entry points. */
export interface WasiPlatform {
  /** fds 0, 1, 2 when the `stdio` option does not say: host fds on Node, console sinks in the portable one. */
  defaultStdio(parsed: ParsedWasiOptions, options: Record<string, unknown>): [StdioSlot, StdioSlot, StdioSlot];
  createHost(setup: HostSetup): ClosableHost;
  /** Where `trace: true` writes. */
  traceLine(line: string): void;
  /** Where host exceptions are reported when `onHostError` is not given (a multi-line text). */
  warn(text: string): void;
  /** Ends the process for proc_exit with returnOnExit false; absent where there is no process to end. */
  exitProcess?: (code: number) => never;
  /**
   * The imports with some functions made native (Node 20: clock_time_get, random_get
   * and fd_read, see src/impl/node/native-fast-calls.ts), given the host they serve; null when
   * none apply. `attach` runs with the memory start() or initialize() found.
   */
  nativeImports?(imports: WasiImport, host: Preview1Host): { imports: WasiImport; attach(memory: WasmMemory): void } | null;
  /** Features this entry point always carries (the Node one: preview0 and tracing); more come from `options.features`. */
  features: readonly WasiFeature[];
}

export type { WasiImport } from "./features.js";

/** Preview1's imports: what every WASI object has (the other versions and tracing come as features, see features.ts). */
const preview1Builder: ImportsBuilder = (host, memory, options) => createPreview1Imports(host, memory, options);

export const moduleNames: Record<WasiVersion, string> = {
  preview1: "wasi_snapshot_preview1",
  unstable: "wasi_unstable",
};

/** The tracing feature's check of the `trace` option (given and not false), and what it wraps the imports with. */
function tracingFrom(features: readonly WasiFeature[], trace: unknown, platform: WasiPlatform): TraceImports {
  const tracing = features.find((feature) => feature.tracing !== undefined)?.tracing;
  if (tracing === undefined) {
    throw invalidArgValue(
      "options.trace",
      true,
      "needs tracingFeature in options.features on this entry point (import it from witx-wasi/core)",
    );
  }
  return tracing(trace, (line) => platform.traceLine(line));
}

export class WasiBase {
  /** The import functions of the chosen version: what goes under getImportObject()'s one key. */
  readonly wasiImport: WasiImport;

  readonly #version: WasiVersion;
  readonly #memoryOverride: WasmMemory | undefined;
  /** The lifecycle createWasi has too; this class adds node:wasi's checks in front of it. */
  readonly #session: WasiSession;
  readonly #lifecycle: WasiLifecycleState = { started: false };
  readonly #importsOver: (host: Preview1Host) => WasiImport;
  /** Lets native imports write the guest's memory; null when wasiImport is the glue alone. */
  readonly #attachNative: ((memory: WasmMemory) => void) | null;

  constructor(options: WasiBaseOptions | undefined, platform: WasiPlatform) {
    const parsed = parseWasiOptions(options);
    const given = (options ?? {}) as Record<string, unknown>;
    const extra = parseExtraOptions(given);
    const features = [...platform.features, ...extra.features];
    const traceImports = extra.trace === undefined ? null : tracingFrom(features, extra.trace, platform);
    this.#version = parsed.version;
    this.#memoryOverride = extra.memory;

    const deterministic = extra.deterministic;
    const { exitProcess } = platform;
    // proc_exit with returnOnExit false ends the process (Node), after closing the guest's descriptors.
    const endProcess =
      parsed.returnOnExit || exitProcess === undefined
        ? undefined
        : (code: number) => {
            this.close();
            exitProcess(code);
          };
    const session = new WasiSession(
      (onExit) =>
        platform.createHost({
          parsed,
          env: Object.entries(parsed.env).map(([name, value]) => `${name}=${value}`),
          stdio: describeStdio(extra.stdio, platform.defaultStdio(parsed, given)),
          time: deterministic === null ? null : createVirtualTime(deterministic),
          random: deterministic === null ? null : randomMethodsFrom(seededRandomBytes(deterministic.seed)),
          onExit,
          limits: extra.limits,
          mounts: parseMounts(given.mounts, parsed.preopens),
        }),
      wasiNotStarted,
      endProcess,
    );
    this.#session = session;
    const built = session.host;
    let host: Preview1Host = built;
    if (extra.host !== undefined) {
      try {
        host = extra.host(built);
      } catch (error) {
        built.close();
        throw error;
      }
    }

    const glueOptions: GlueOptions = {
      badPointer: extra.badPointer,
      onHostError: extra.onHostError ?? reportHostErrorsOnce(moduleNames[parsed.version], (text) => platform.warn(text)),
      limits: extra.limits,
    };
    const memory = session.memory;
    const build =
      parsed.version === "preview1"
        ? preview1Builder
        : features.find((feature) => feature.builders?.[parsed.version])?.builders?.[parsed.version];
    if (build === undefined) {
      built.close();
      throw invalidArgValue(
        "options.version",
        parsed.version,
        "needs preview0Feature in options.features on this entry point (import it from witx-wasi/core)",
      );
    }
    // With trace off the import object is the glue itself: no wrapper, no cost.
    let importsOver = (over: Preview1Host): WasiImport => build(over, memory, glueOptions);
    if (traceImports !== null) {
      const { version } = parsed;
      importsOver = (over) => traceImports(build(over, memory, glueOptions), memory, version);
    }
    this.#importsOver = importsOver;
    const glue = importsOver(host);
    // A traced import object stays all JavaScript: every call must reach the trace.
    const native = traceImports === null ? (platform.nativeImports?.(glue, host) ?? null) : null;
    this.wasiImport = native?.imports ?? glue;
    this.#attachNative = native === null ? null : (memory) => native.attach(memory);
  }

  /**
   * Another import object over `host` (the one given here, or a wrapper of it),
   * with this object's memory and options. The worker runner gives each guest
   * thread its own: the glue keeps one result slot per function, which two
   * threads' calls must not share.
   */
  importsOver(host: Preview1Host): WasiImport {
    return this.#importsOver(host);
  }

  /** `{ wasi_snapshot_preview1: wasiImport }` or `{ wasi_unstable: wasiImport }`; a new object each call, as in Node. */
  getImportObject(): Record<string, WasiImport> {
    return { [moduleNames[this.#version]]: this.wasiImport };
  }

  /**
   * Runs a command: calls `_start` and returns the exit code — 0 when `_start`
   * returns, proc_exit's code when the guest exited and returnOnExit is set.
   * Whatever way it ends, the descriptors the guest left open are closed.
   */
  start(instance: object): number {
    const entry = this.#claim(() => validateInstanceForStart(instance, this.#lifecycle, this.#memoryOverride));
    this.#attachNative?.(entry.memory);
    return this.#session.run(entry.memory, entry.start);
  }

  /**
   * Prepares a reactor: calls `_initialize` if it exists. The instance's exports
   * can be called afterwards; `close()` releases its descriptors when done.
   */
  initialize(instance: object): void {
    const entry = this.#claim(() => validateInstanceForInitialize(instance, this.#lifecycle, this.#memoryOverride));
    this.#attachNative?.(entry.memory);
    this.#session.prepare(entry.memory, entry.initialize);
  }

  /**
   * Closes every descriptor the guest still holds (the host's stdio fds given as
   * options stay open). Done by `start()` itself; reactors call it when finished.
   * Calls the guest makes afterwards fail with `badf`. Safe to call twice.
   */
  close(): void {
    this.#session.close();
  }

  /**
   * Runs node:wasi's start/initialize checks. A first call that fails them has
   * used this object up (as in Node), so its descriptors are closed at once; a
   * repeated call must not close anything, since the first may be a live reactor.
   */
  #claim<T>(validate: () => T): T {
    const firstCall = !this.#lifecycle.started;
    try {
      return validate();
    } catch (error) {
      if (firstCall) this.close();
      throw error;
    }
  }
}
