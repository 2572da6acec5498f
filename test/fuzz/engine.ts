/**
 * Runs fuzz episodes: one fresh world, one WASI object over it, a sequence
 * of calls made straight into its imports, then the checks.
 *
 * A call fails the run when
 *   - the import throws anything but a bad-pointer trap (in "trap" mode) or
 *     the proc_exit signal (from proc_exit only);
 *   - host code threw and the glue turned it into an errno (onHostError);
 *   - it returns anything but an integer errno;
 *   - it wrote guest memory outside the buffers its arguments describe;
 *   - guest memory ends up holding the outside canary's secret.
 * An episode fails when, after `close()`, a host fd is left open, the
 * embedder's stdio fds were closed or replaced, something outside the
 * preopens changed, or a preopen holds a copy or hard link of a canary.
 */
import * as fs from "node:fs";
import { createPreview0Imports, unimplementedPreview0Host } from "../../src/generated/preview0/index.js";
import { createPreview1Imports, unimplementedPreview1Host } from "../../src/generated/preview1/index.js";
import { GuestMemory } from "../../src/runtime/index.js";
import { maxSinkWrite } from "../../src/impl/stdio/output-sink.js";
import { WASI, WasiExit } from "../../src/wasi/wasi.js";
import { fillMemory, generateCall, type FuzzCall, type GeneratorState } from "./generate.js";
import { Prng } from "./prng.js";
import { loadWitxFacts, type FunctionSpec, type WitxFacts, type WitxVersion } from "./signatures.js";
import { callNativeThroughWasm } from "./through-wasm.js";
import { createWorld, outsideChanges, removeWorld, smuggledCanaries, snapshotOutsideWorld, type FuzzWorld } from "./world.js";

export interface EpisodeConfig {
  readonly version: WitxVersion;
  readonly badPointer: "trap" | "fault";
  readonly sharedMemory: boolean;
  readonly initialPages: number;
  readonly maxPages: number;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Run with the trace option on (its formatter reads guest memory too). */
  readonly trace: boolean;
  /** Seed of the initial memory contents. */
  readonly fillSeed: number;
  /** End with proc_exit(code), or null. */
  readonly exitCode: number | null;
  /** stdout goes to a JavaScript callback instead of /dev/null. */
  readonly stdoutSink: boolean;
}

export interface Failure {
  readonly kind: string;
  /** The import, or null for an end-of-episode check. */
  readonly fn: string | null;
  /** Index of the call in the episode, or null. */
  readonly callIndex: number | null;
  readonly detail: string;
}

interface EpisodeStats {
  calls: number;
  traps: number;
  /** Lines the trace option produced (when on). */
  traceLines: number;
  /** Calls per function. */
  readonly perFunction: Map<string, number>;
  /** Successful calls per function. */
  readonly successes: Map<string, number>;
  /** How often each function returned each errno. */
  readonly errnos: Map<string, Map<number, number>>;
  /** Calls with a list of repeated buffers adding up to more than 2^31 bytes, and to more than 2^32. */
  listsOver2e31: number;
  listsOver2e32: number;
}

export interface EpisodeResult {
  readonly config: EpisodeConfig;
  /** The calls made, in order; replaying them reproduces the episode. */
  readonly calls: readonly FuzzCall[];
  readonly failures: readonly Failure[];
  readonly stats: EpisodeStats;
  /** The world root the calls' absolute paths were made for (replays rewrite it). */
  readonly root: string;
}

type ImportFunction = (...args: (number | bigint)[]) => unknown;
export type ImportTable = Record<string, ImportFunction>;

export interface EngineOptions {
  /** Report any call that takes longer than this (a guest-triggered stall or blow-up); off when undefined. */
  readonly slowCallMs?: number;
  /** Lets a test put a faulty layer between the engine and the imports, to see the checks fire. */
  readonly wrapImports?: (
    imports: ImportTable,
    memory: WebAssembly.Memory,
    world: FuzzWorld,
    stdoutSink: (bytes: Uint8Array) => void,
  ) => ImportTable;
}

const factsCache = new Map<WitxVersion, WitxFacts>();

/** The witx facts of `version`, checked against the generated glue's own list of imports. */
export function factsFor(version: WitxVersion): WitxFacts {
  let facts = factsCache.get(version);
  if (facts === undefined) {
    facts = loadWitxFacts(version);
    const glueNames = Object.keys(
      version === "preview1"
        ? createPreview1Imports(unimplementedPreview1Host(), new GuestMemory())
        : createPreview0Imports(unimplementedPreview0Host(), new GuestMemory()),
    ).sort();
    const witxNames = facts.functions.map((spec) => spec.name).sort();
    if (glueNames.join() !== witxNames.join()) {
      throw new Error(`the generated glue and the witx disagree on the imports:\n glue ${glueNames}\n witx ${witxNames}`);
    }
    factsCache.set(version, facts);
  }
  return facts;
}

function moduleNameOf(version: WitxVersion): string {
  return version === "preview1" ? "wasi_snapshot_preview1" : "wasi_unstable";
}

/** A random episode configuration. */
export function drawConfig(prng: Prng, version: WitxVersion): EpisodeConfig {
  const argPool = ["prog", "", "a b", "héllo", "日本", "\uD800lone", "x".repeat(300)];
  const args = Array.from({ length: prng.between(0, 3) }, () => prng.pick(argPool));
  const env: Record<string, string> = {};
  for (let i = prng.between(0, 3); i > 0; i--) env[prng.pick(["A", "PATH", "É", "K"])] = prng.pick(argPool);
  const sharedMemory = prng.chance(0.15);
  // A few episodes get a big memory, where counts and lengths can be huge yet in bounds.
  const large = prng.chance(0.02);
  const initialPages = large ? prng.between(128, 256) : prng.between(1, 3);
  return {
    version,
    badPointer: prng.chance(0.75) ? "trap" : "fault",
    sharedMemory,
    initialPages,
    maxPages: initialPages + (large ? 0 : prng.between(0, 5)),
    args,
    env,
    trace: prng.chance(0.15),
    fillSeed: prng.u32(),
    exitCode: prng.chance(0.1) ? prng.u32() : null,
    stdoutSink: prng.chance(0.2),
  };
}

/** Host fds of this process, with what each is open on. */
function openFds(): Map<string, string> {
  const fds = new Map<string, string>();
  for (const name of fs.readdirSync("/proc/self/fd")) {
    let target = "?";
    try {
      target = fs.readlinkSync(`/proc/self/fd/${name}`);
    } catch {
      // The fd readdir itself used, gone by now.
    }
    fds.set(name, target);
  }
  return fds;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return (error.stack ?? `${error.name}: ${error.message}`).split("\n").slice(0, 6).join("\n");
  return String(error);
}

/** [start, end) byte ranges of guest memory a call may write, merged and sorted. */
function writableRanges(spec: FunctionSpec, args: readonly (number | bigint)[], view: DataView, config: EpisodeConfig): [number, number][] {
  const size = view.byteLength;
  const ranges: [number, number][] = [];
  const add = (start: number, length: number): void => {
    if (length > 0 && start < size) ranges.push([start, Math.min(size, start + length)]);
  };
  const u32 = (index: number): number => Number(args[index]) >>> 0;
  const listSizes = (strings: readonly string[]): [number, number] => [
    strings.length * 4,
    strings.reduce((sum, text) => sum + new TextEncoder().encode(text).length + 1, 0),
  ];
  spec.params.forEach((param, index) => {
    const shape = param.shape;
    if (shape.kind === "out") add(u32(index), shape.size);
    if (shape.kind === "pointer" && shape.writable) {
      if (shape.countIndex !== null) {
        add(u32(index), u32(shape.countIndex) * shape.pointeeSize);
      } else {
        // args_get / environ_get: sized by what args_sizes_get would report.
        const strings = spec.name.startsWith("args") ? config.args : Object.entries(config.env).map(([k, v]) => `${k}=${v}`);
        const [pointers, bytes] = listSizes(strings);
        add(u32(index), shape.pointeeSize === 1 ? bytes : pointers);
      }
    }
    if (shape.kind === "list" && shape.buffers === "read-into") {
      const address = u32(index);
      const count = u32(shape.lengthIndex);
      if (address + count * shape.elementSize <= size && count <= 1 << 16) {
        for (let i = 0; i < count; i++) {
          const element = address + i * shape.elementSize;
          add(view.getUint32(element, true), view.getUint32(element + 4, true));
        }
      }
    }
  });
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

/**
 * A copy of guest memory as the fuzzer last left it, so that after a call
 * one memcmp outside the call's writable ranges tells whether the host wrote
 * where it had no business to. Kept in step incrementally: the fuzzer's own
 * writes go to both, and after each call the ranges the host may write are
 * copied over.
 */
class MemoryShadow {
  private copy: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.copy = bytes.slice();
  }

  /** Brings the copy up to date with what the fuzzer did before a call (grow, writes, poll caps). */
  sync(bytes: Uint8Array, call: FuzzCall): void {
    if (this.copy.length !== bytes.length) {
      const grown = new Uint8Array(bytes.length);
      grown.set(this.copy);
      this.copy = grown;
    }
    for (const write of call.writes) this.copyRange(bytes, write.address, write.address + write.bytes.length);
    if (call.fn === "poll_oneoff") {
      const start = Number(call.args[0]) >>> 0;
      this.copyRange(bytes, start, start + Math.min(Number(call.args[2]) >>> 0, 4096) * 64);
    }
  }

  private copyRange(bytes: Uint8Array, start: number, end: number): void {
    const stop = Math.min(end, bytes.length);
    if (start < stop) this.copy.set(bytes.subarray(start, stop), start);
  }

  /** The first byte that differs from the copy outside `allowed`, or -1. */
  firstChangeOutside(bytes: Uint8Array, allowed: readonly [number, number][]): number {
    const copy = this.copy;
    const end = Math.min(copy.length, bytes.length);
    const check = (from: number, to: number): number => {
      if (to <= from || Buffer.compare(copy.subarray(from, to), bytes.subarray(from, to)) === 0) return -1;
      for (let i = from; i < to; i++) if (copy[i] !== bytes[i]) return i;
      return -1;
    };
    let at = 0;
    for (const [start, stop] of allowed) {
      const found = check(at, Math.min(start, end));
      if (found >= 0) return found;
      at = Math.max(at, stop);
    }
    return check(at, end);
  }

  /** Takes over what the host legitimately wrote. */
  accept(bytes: Uint8Array, allowed: readonly [number, number][]): void {
    for (const [start, stop] of allowed) this.copyRange(bytes, start, stop);
  }

  resync(bytes: Uint8Array): void {
    this.copy = bytes.slice();
  }
}

/** Caps every clock timeout poll_oneoff is about to read: the fuzzer must not sleep. */
function capPollTimeouts(view: DataView, address: number, count: number, facts: WitxFacts): void {
  const layout = facts.poll;
  for (let i = 0; i < Math.min(count, 4096); i++) {
    const at = address + i * layout.subscriptionSize;
    if (at + layout.subscriptionSize > view.byteLength) return;
    if (view.getUint8(at + layout.tagOffset) !== layout.clockTag) continue;
    const absolute = (view.getUint16(at + layout.clockFlagsOffset, true) & 1) !== 0;
    const timeout = view.getBigUint64(at + layout.timeoutOffset, true);
    view.setBigUint64(at + layout.timeoutOffset, timeout % (absolute ? 1_000_000n : 200_000n), true);
  }
}

/** Rewrites the world root inside recorded bytes (replays run in a new world; mkdtemp keeps the length). */
function rebase(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  if (from.length !== to.length || from.length === 0) return bytes;
  let copy: Uint8Array | null = null;
  for (let i = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(from); i >= 0; ) {
    copy ??= Uint8Array.from(bytes);
    copy.set(to, i);
    i = Buffer.from(copy.buffer).indexOf(from, i + from.length);
  }
  return copy ?? bytes;
}

/**
 * Runs one episode. `source` is either a generator seed (fresh calls) or a
 * recorded call list with the root it was recorded in (a replay).
 */
export function runEpisode(
  config: EpisodeConfig,
  source: { readonly seed: number; readonly calls: number } | { readonly replay: readonly FuzzCall[]; readonly root: string },
  options: EngineOptions = {},
): EpisodeResult {
  const facts = factsFor(config.version);
  const moduleName = moduleNameOf(config.version);
  const specs = new Map(facts.functions.map((spec) => [spec.name, spec]));
  const randomFunctions = facts.functions.filter((spec) => spec.returns);
  const failures: Failure[] = [];
  const stats: EpisodeStats = {
    calls: 0,
    traps: 0,
    traceLines: 0,
    perFunction: new Map(),
    successes: new Map(),
    errnos: new Map(),
    listsOver2e31: 0,
    listsOver2e32: 0,
  };
  const calls: FuzzCall[] = [];

  const fdsBefore = openFds();
  const world: FuzzWorld = createWorld();
  const secretBytes = new TextEncoder().encode(world.secret);
  const outsideBefore = snapshotOutsideWorld(world);
  const stdio = [0, 1, 2].map(() => fs.openSync("/dev/null", "r+"));
  const stdioIdentity = stdio.map((fd) => fs.fstatSync(fd, { bigint: true }).ino);
  const hostErrors: string[] = [];
  // A sink must get bounded copies, never one sized by a list's total.
  let largestDelivery = 0;
  const sink = (bytes: Uint8Array): void => {
    largestDelivery = Math.max(largestDelivery, bytes.length);
  };

  const memory = new WebAssembly.Memory({
    initial: config.initialPages,
    maximum: config.maxPages,
    ...(config.sharedMemory ? { shared: true } : {}),
  } as WebAssembly.MemoryDescriptor);
  fillMemory(new Uint8Array(memory.buffer), new Prng(config.fillSeed));
  const shadow = new MemoryShadow(new Uint8Array(memory.buffer));

  const wasi = new WASI({
    version: config.version,
    args: [...config.args],
    env: { ...config.env },
    preopens: world.preopens,
    stdin: stdio[0],
    stderr: stdio[2],
    ...(config.stdoutSink ? { stdio: { stdout: sink } } : { stdout: stdio[1] }),
    returnOnExit: true,
    badPointer: config.badPointer,
    onHostError: (fn: string, error: unknown) => {
      hostErrors.push(`${fn}: ${describeError(error)}`);
    },
    ...(config.trace ? { trace: () => void stats.traceLines++ } : {}),
  });
  wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
  let imports = callNativeThroughWasm(wasi.wasiImport as unknown as ImportTable, memory, specs);
  if (options.wrapImports !== undefined) imports = options.wrapImports(imports, memory, world, sink);

  const state: GeneratorState = {
    prng: new Prng("seed" in source ? source.seed : 0),
    memoryBytes: memory.buffer.byteLength,
    maxPages: config.maxPages,
    liveFds: new Set([0, 1, 2, 3, 4]),
    closedFds: [],
    nullFds: new Set(config.stdoutSink ? [0, 2] : [0, 1, 2]),
    absoluteTargets: world.absoluteTargets,
    knownPaths: ["f", "d", "d/x.txt", "d/sub", "ln", "d/sub/ln", "."],
  };
  const oldRoot = new TextEncoder().encode("replay" in source ? source.root : world.root);
  const newRoot = new TextEncoder().encode(world.root);
  const total = "seed" in source ? source.calls : source.replay.length;

  const fail = (kind: string, fn: string | null, callIndex: number | null, detail: string): void => {
    failures.push({ kind, fn, callIndex, detail });
  };

  for (let index = 0; index < total; index++) {
    const call = "seed" in source ? generateCall(state, randomFunctions, facts.poll) : source.replay[index];
    calls.push(call);
    const spec = specs.get(call.fn)!;
    if (call.grow > 0) memory.grow(call.grow);
    let bytes = new Uint8Array(memory.buffer);
    for (const write of call.writes) {
      if (write.address + write.bytes.length <= bytes.length) bytes.set(rebase(write.bytes, oldRoot, newRoot), write.address);
    }
    let view = new DataView(memory.buffer);
    if (call.fn === "poll_oneoff") capPollTimeouts(view, Number(call.args[0]) >>> 0, Number(call.args[2]) >>> 0, facts);
    const allowed = writableRanges(spec, call.args, view, config);
    shadow.sync(bytes, call);
    hostErrors.length = 0;

    stats.calls++;
    stats.perFunction.set(call.fn, (stats.perFunction.get(call.fn) ?? 0) + 1);
    if ((call.listTotal ?? 0) > 2 ** 31) stats.listsOver2e31++;
    if ((call.listTotal ?? 0) > 2 ** 32) stats.listsOver2e32++;
    largestDelivery = 0;
    let returned: unknown;
    let threw = false;
    const callStarted = performance.now();
    try {
      returned = imports[call.fn](...call.args);
    } catch (error) {
      threw = true;
      if (error instanceof WebAssembly.RuntimeError) {
        if (config.badPointer === "fault") fail("trapped in fault mode", call.fn, index, describeError(error));
        else if (!error.message.startsWith(`${moduleName}.`)) fail("unexpected trap", call.fn, index, describeError(error));
        else stats.traps++;
      } else {
        fail("host exception", call.fn, index, describeError(error));
      }
    }
    const elapsed = performance.now() - callStarted;
    if (options.slowCallMs !== undefined && elapsed > options.slowCallMs) {
      fail("slow call", call.fn, index, `took ${Math.round(elapsed)} ms (memory ${bytes.length} bytes)`);
    }
    for (const hostError of hostErrors) fail("host code threw (turned into an errno)", call.fn, index, hostError);
    if (largestDelivery > maxSinkWrite) fail("oversized sink delivery", call.fn, index, `${largestDelivery} bytes in one copy`);
    if (!threw) {
      if (typeof returned !== "number" || !Number.isInteger(returned) || returned < 0 || returned >= facts.errnoCount) {
        fail("not an errno", call.fn, index, `returned ${String(returned)} (${typeof returned})`);
      } else {
        if (returned === 0) stats.successes.set(call.fn, (stats.successes.get(call.fn) ?? 0) + 1);
        let counts = stats.errnos.get(call.fn);
        if (counts === undefined) stats.errnos.set(call.fn, (counts = new Map()));
        counts.set(returned, (counts.get(returned) ?? 0) + 1);
      }
    }

    bytes = new Uint8Array(memory.buffer);
    view = new DataView(memory.buffer);
    const stray = shadow.firstChangeOutside(bytes, allowed);
    if (stray >= 0) {
      fail(
        "wrote guest memory outside its buffers",
        call.fn,
        index,
        `first changed byte at 0x${stray.toString(16)}; allowed ${JSON.stringify(allowed)}`,
      );
      shadow.resync(bytes);
    }
    shadow.accept(bytes, allowed);
    for (const [start, stop] of allowed) {
      if (Buffer.from(bytes.buffer, start, stop - start).indexOf(secretBytes) >= 0) {
        fail("read the outside canary into guest memory", call.fn, index, `at 0x${start.toString(16)}..0x${stop.toString(16)}`);
      }
    }
    if (!threw && returned === 0) trackDescriptors(state, spec, call, view);
    state.memoryBytes = bytes.length;
    if (failures.length > 0 && "seed" in source) break;
  }

  if (failures.length === 0 && config.exitCode !== null) {
    const code = config.exitCode;
    try {
      imports.proc_exit(code | 0);
      fail("proc_exit returned", "proc_exit", null, `proc_exit(${code}) returned`);
    } catch (error) {
      if (!(error instanceof WasiExit)) fail("host exception", "proc_exit", null, describeError(error));
      else if (error.code !== code >>> 0) fail("wrong exit code", "proc_exit", null, `proc_exit(${code}) gave ${error.code}`);
    }
  }

  try {
    wasi.close();
  } catch (error) {
    fail("close() threw", null, null, describeError(error));
  }
  stdio.forEach((fd, index) => {
    let ino: bigint | null = null;
    try {
      ino = fs.fstatSync(fd, { bigint: true }).ino;
    } catch {
      // Closed under us: reported below.
    }
    if (ino !== stdioIdentity[index])
      fail("the embedder's stdio fd was closed or replaced", null, null, `guest fd ${index} (host fd ${fd})`);
    try {
      fs.closeSync(fd);
    } catch {
      // Already reported.
    }
  });
  const leaked = [...openFds()].filter(([fd]) => !fdsBefore.has(fd));
  if (leaked.length > 0) fail("fd leak", null, null, leaked.map(([fd, target]) => `${fd} → ${target}`).join(", "));
  const changes = outsideChanges(world, outsideBefore);
  if (changes.length > 0) fail("changed outside the preopens", null, null, changes.join("; "));
  const copies = smuggledCanaries(world);
  if (copies.length > 0) fail("a canary got into a preopen", null, null, copies.join(", "));
  const root = "replay" in source ? source.root : world.root;
  removeWorld(world);
  return { config, calls, failures, stats, root };
}

/** Names a successful call created, by the index of its path argument. */
const createdPathArgument: Readonly<Record<string, number>> = {
  path_open: 2,
  path_create_directory: 1,
  path_symlink: 3,
  path_link: 5,
  path_rename: 4,
};

/**
 * Keeps the generator's idea of the descriptor table and of the existing
 * paths close to the host's, so that sane calls hit real files.
 */
function trackDescriptors(state: GeneratorState, spec: FunctionSpec, call: FuzzCall, view: DataView): void {
  const pathIndex = createdPathArgument[call.fn];
  if (pathIndex !== undefined) {
    const address = Number(call.args[pathIndex]) >>> 0;
    const length = Number(call.args[pathIndex + 1]) >>> 0;
    if (address + length <= view.byteLength && length > 0 && length < 256) {
      const text = Buffer.from(view.buffer, address, length).toString("latin1");
      if (/^[\x21-\x7e]+$/.test(text) && !state.knownPaths.includes(text)) {
        state.knownPaths.push(text);
        if (state.knownPaths.length > 64) state.knownPaths.splice(7, 1);
      }
    }
  }
  const fd = Number(call.args[0]) >>> 0;
  if (call.fn === "path_open" || call.fn === "sock_accept") {
    const out = Number(call.args[spec.params.length - 1]) >>> 0;
    if (out + 4 <= view.byteLength) state.liveFds.add(view.getUint32(out, true));
  } else if (call.fn === "fd_close") {
    state.liveFds.delete(fd);
    state.closedFds.push(fd);
    state.nullFds.delete(fd);
  } else if (call.fn === "fd_renumber") {
    const to = Number(call.args[1]) >>> 0;
    state.liveFds.delete(fd);
    state.closedFds.push(fd);
    state.liveFds.add(to);
    if (state.nullFds.delete(fd)) state.nullFds.add(to);
    else state.nullFds.delete(to);
  }
  if (state.closedFds.length > 32) state.closedFds.shift();
}
