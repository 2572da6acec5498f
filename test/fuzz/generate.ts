/**
 * Makes one random call: which import, its arguments exactly as wasm passes
 * them (i32 as a signed number, i64 as a signed bigint), and the bytes to put
 * in guest memory first (strings, iovec lists, poll subscriptions, junk).
 *
 * A call is plain data, so an episode can be replayed call by call and cut
 * down to a minimal reproduction. Arguments are mostly plausible, with a
 * steady share of hostile ones: pointers out of bounds, unaligned, at the
 * very end of memory or wrapping past 2^32; lengths and counts that overflow;
 * buffers overlapping each other; closed and made-up descriptors; undefined
 * flag bits and enum values; paths full of "..", "/", NUL, invalid UTF-8,
 * overlong names and the symlinks the world planted.
 */
import type { Prng } from "./prng.js";
import type { FunctionSpec, ParamSpec, PollLayout } from "./signatures.js";
import { nameParts } from "./world.js";

interface MemoryWrite {
  readonly address: number;
  readonly bytes: Uint8Array;
}

export interface FuzzCall {
  readonly fn: string;
  readonly args: readonly (number | bigint)[];
  /** Applied in order before the call (after the grow). */
  readonly writes: readonly MemoryWrite[];
  /** Pages to grow the memory by before the call. */
  readonly grow: number;
  /** For a list whose iovecs repeat one stretch of memory: the bytes they add up to. */
  readonly listTotal?: number;
}

/** What the generator needs to know about the episode so far. */
export interface GeneratorState {
  readonly prng: Prng;
  /** Current memory size in bytes. */
  memoryBytes: number;
  readonly maxPages: number;
  /** Descriptors the guest holds (stdio, preopens, what it opened). */
  readonly liveFds: Set<number>;
  /** Descriptors it closed or renumbered away, most recent last. */
  readonly closedFds: number[];
  /**
   * Descriptors still on the embedder's /dev/null stdio (renumbering moves
   * them): where lists adding up to gigabytes go, since the same call on a
   * regular file would really write gigabytes.
   */
  readonly nullFds: Set<number>;
  readonly absoluteTargets: readonly string[];
  /** Paths that exist (the world's and what the guest created), for sane calls to reuse. */
  readonly knownPaths: string[];
}

const PAGE = 65536;
const U32 = 0x1_0000_0000;
/** Totals a list of repeated buffers aims for: around 2^31 and 2^32 (the counts' 32-bit edges) and beyond. */
const amplifiedTotals: readonly number[] = [2 ** 31 - 4096, 2 ** 31, 2 ** 31 + 4096, U32 - 1, U32, U32 + 4096, 2 ** 33];
const encoder = new TextEncoder();

/** Byte strings no UTF-8 decoder should accept, plus a few that are valid but unusual. */
const oddComponents: readonly Uint8Array[] = [
  Uint8Array.of(0x00),
  Uint8Array.of(0x61, 0x00, 0x62),
  Uint8Array.of(0xff, 0xfe),
  Uint8Array.of(0x80),
  Uint8Array.of(0xc0, 0xaf), // overlong "/"
  Uint8Array.of(0xc0, 0xae, 0xc0, 0xae), // overlong ".."
  Uint8Array.of(0xe0, 0x80, 0xaf), // overlong "/", three bytes
  Uint8Array.of(0xed, 0xa0, 0x80), // a UTF-16 surrogate
  Uint8Array.of(0xf4, 0x90, 0x80, 0x80), // past U+10FFFF
  encoder.encode("é"),
  encoder.encode("\\"),
  encoder.encode("..\\.."),
  encoder.encode(" "),
  encoder.encode("*"),
];

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

let zeroBuffer = new Uint8Array(0);

/** `length` zero bytes, as a view of one shared buffer (long lists are written often). */
function zeroes(length: number): Uint8Array {
  if (zeroBuffer.length < length) zeroBuffer = new Uint8Array(Math.max(length, 1 << 20));
  return zeroBuffer.subarray(0, length);
}

function randomBytes(prng: Prng, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = prng.u32() & 0xff;
  return bytes;
}

function component(prng: Prng, sane: boolean): Uint8Array {
  const roll = sane ? prng.below(87) : prng.below(100);
  if (roll < 68) return encoder.encode(prng.pick(nameParts));
  if (roll < 80) return encoder.encode("..");
  if (roll < 87) return encoder.encode(".");
  if (roll < 90) return new Uint8Array(0);
  if (roll < 97) return prng.pick(oddComponents);
  return randomBytes(prng, prng.between(1, 8));
}

/**
 * A path (or a symlink target) as raw bytes; a sane one is plain names, "."
 * and "..", often a path known to exist.
 */
function pathBytes(prng: Prng, state: GeneratorState, sane: boolean): Uint8Array {
  const { absoluteTargets, knownPaths } = state;
  if (sane && knownPaths.length > 0 && prng.chance(0.45)) {
    const known = prng.pick(knownPaths);
    return encoder.encode(prng.chance(0.75) ? known : `${known}/${prng.pick(nameParts)}`);
  }
  const roll = sane ? prng.between(8, 99) : prng.below(100);
  if (roll < 5) {
    const target = prng.pick(absoluteTargets);
    return encoder.encode(prng.chance(0.5) ? target : `${target}/${prng.pick(nameParts)}`);
  }
  if (roll < 6) return new Uint8Array(0);
  if (roll < 7) return encoder.encode("a/".repeat(prng.between(2040, 2100)));
  if (roll < 8) return encoder.encode("n".repeat(prng.pick([254, 255, 256, 1000])));
  const parts: Uint8Array[] = [];
  if (prng.chance(0.08)) parts.push(encoder.encode("/"));
  if (prng.chance(sane ? 0.03 : 0.15)) parts.push(encoder.encode("../".repeat(prng.between(1, 4))));
  const count = prng.between(1, 4);
  for (let i = 0; i < count; i++) {
    if (i > 0) parts.push(encoder.encode(prng.chance(0.1) ? "//" : "/"));
    parts.push(component(prng, sane));
  }
  if (prng.chance(0.1)) parts.push(encoder.encode("/"));
  return concat(parts);
}

/**
 * Draws the parts of one call. Half the calls are "sane": every pointer valid
 * and aligned, lengths exact, descriptors live, flags and enums defined,
 * paths made of plain names. Those get deep into the host (files opened,
 * links made, directories listed), which the hostile half then attacks.
 */
class CallBuilder {
  readonly writes: MemoryWrite[] = [];
  /** Addresses handed out in this call, for deliberately overlapping buffers. */
  private readonly used: number[] = [];
  /** Set when the call's list repeats one stretch of memory: its total. */
  listTotal: number | undefined;

  constructor(
    readonly state: GeneratorState,
    readonly sane: boolean,
  ) {}

  get prng(): Prng {
    return this.state.prng;
  }

  /** An address for `size` bytes aligned to `align`: mostly valid, sometimes not at all. */
  address(size: number, align: number): number {
    const prng = this.prng;
    const memory = this.state.memoryBytes;
    const roll = this.sane ? 0 : prng.below(100);
    let address: number;
    if (roll < 72 && size <= memory) {
      address = Math.floor(prng.below(memory - size + 1) / align) * align;
    } else if (roll < 78) {
      address = (Math.floor(prng.below(Math.max(1, memory - size)) / align) * align + 1) >>> 0;
    } else if (roll < 84) {
      address = Math.max(0, memory - size + prng.between(-2, 8));
    } else if (roll < 87) {
      address = 0;
    } else if (roll < 91) {
      address = U32 - 1 - prng.below(64);
    } else if (roll < 95 || this.used.length === 0) {
      address = prng.u32();
    } else {
      address = prng.pick(this.used);
    }
    this.used.push(address);
    return address >>> 0;
  }

  /** Puts `bytes` at `address` when they fit in memory (they are simply dropped otherwise). */
  write(address: number, bytes: Uint8Array): void {
    if (bytes.length > 0 && address + bytes.length <= this.state.memoryBytes) this.writes.push({ address, bytes });
  }

  /** A byte length for a buffer at `address`. */
  bufferLength(address: number): number {
    const prng = this.prng;
    const memory = this.state.memoryBytes;
    if (this.sane) return Math.min(prng.between(0, 512), Math.max(0, memory - address));
    const roll = prng.below(100);
    if (roll < 50) return prng.between(0, 64);
    if (roll < 72) return prng.between(65, 4096);
    if (roll < 78) return 0;
    if (roll < 85) return Math.max(0, memory - address);
    if (roll < 90) return U32 - 1;
    if (roll < 94) return memory;
    if (roll < 97) return Math.max(0, memory - address + 1);
    return prng.u32();
  }

  /** A string argument: the address, then the length (usually the exact one). */
  string(bytes: Uint8Array): [number, number] {
    const address = this.address(bytes.length, 1);
    this.write(address, bytes);
    const prng = this.prng;
    const roll = this.sane ? 0 : prng.below(100);
    if (roll < 86) return [address, bytes.length];
    if (roll < 89) return [address, 0];
    if (roll < 92) return [address, Math.max(0, bytes.length - 1)];
    if (roll < 95) return [address, bytes.length + prng.between(1, 16)];
    if (roll < 97) return [address, U32 - 1];
    return [address, prng.u32()];
  }

  /** An element count for a list of `elementSize`-byte elements. */
  count(elementSize: number): number {
    const prng = this.prng;
    if (this.sane) return prng.between(1, 4);
    const roll = prng.below(100);
    // As many elements as memory holds: what a host must not materialize blindly.
    if (roll < 3) return Math.max(0, Math.floor(this.state.memoryBytes / elementSize) - prng.between(0, 16));
    if (roll < 62) return prng.between(0, 4);
    if (roll < 76) return prng.between(5, 16);
    if (roll < 80) return prng.pick([1024, 1025]);
    if (roll < 86) return 0;
    if (roll < 90) return 0x2000_0000; // × 8 bytes = 2^32
    if (roll < 93) return 0x1fff_ffff;
    if (roll < 96) return prng.between(17, 200);
    return prng.u32();
  }

  /** An iovec/ciovec list: the array and the (pointer, length) pairs in it. */
  list(elementSize: number, elementAlign: number, filled: boolean): [number, number] {
    if (!this.sane && this.prng.chance(0.12)) return this.amplifiedList(elementSize, elementAlign);
    const count = this.count(elementSize);
    const address = this.address(Math.min(count * elementSize, this.state.memoryBytes), elementAlign);
    if (count > 64 && address + count * elementSize <= this.state.memoryBytes && this.prng.chance(0.5)) {
      // A long list of valid, empty iovecs: every element passes the bounds checks.
      this.write(address, zeroes(count * elementSize));
    }
    if (count <= 64 && address + count * elementSize <= this.state.memoryBytes) {
      const array = new Uint8Array(count * elementSize);
      const view = new DataView(array.buffer);
      for (let i = 0; i < count; i++) {
        const buffer = this.address(64, 1);
        const length = this.bufferLength(buffer);
        view.setUint32(i * elementSize, buffer, true);
        view.setUint32(i * elementSize + 4, length, true);
        if (filled) this.write(buffer, randomBytes(this.prng, Math.min(length, 128)));
      }
      this.write(address, array);
    }
    return [address, count];
  }

  /**
   * Up to 1,024 iovecs (the default bound) over one stretch of memory, each
   * starting a little further in, so they overlap: a total of gigabytes from
   * however much memory there is, aiming at 2^31, 2^32 and beyond when the
   * memory is large enough (the large-memory episodes).
   */
  private amplifiedList(elementSize: number, elementAlign: number): [number, number] {
    const prng = this.prng;
    const memory = this.state.memoryBytes;
    const count = prng.chance(0.5) ? 1024 : prng.between(2, 1024);
    const length = Math.min(memory, Math.ceil(prng.pick(amplifiedTotals) / count));
    const slack = memory - length;
    const start = slack - prng.below(Math.min(slack, 4096) + 1);
    const array = new Uint8Array(count * elementSize);
    const view = new DataView(array.buffer);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const shift = prng.below(slack - start + 1);
      view.setUint32(i * elementSize, start + shift, true);
      view.setUint32(i * elementSize + 4, length, true);
      total += length;
    }
    const address = Math.floor(prng.below(Math.max(1, memory - array.length + 1)) / elementAlign) * elementAlign;
    this.write(address, array);
    this.listTotal = total;
    return [address, count];
  }

  /** A descriptor; `forPath`: the one a path is resolved from. */
  fd(forPath: boolean): number {
    const prng = this.prng;
    const live = [...this.state.liveFds];
    if (this.sane) {
      // Paths mostly go through a preopen, where they lead somewhere; the
      // other calls mostly act on what the guest opened.
      const opened = live.filter((fd) => fd > 4);
      if (forPath) return prng.chance(0.6) || live.length === 0 ? prng.pick([3, 4]) : prng.pick(live);
      return opened.length > 0 && prng.chance(0.7) ? prng.pick(opened) : prng.pick(live.length > 0 ? live : [3]);
    }
    const roll = prng.below(100);
    if (roll < 45 && live.length > 0) return prng.pick(live);
    if (roll < 60) return prng.pick([3, 4]);
    if (roll < 68 && this.state.closedFds.length > 0) return prng.pick(this.state.closedFds);
    if (roll < 78) return prng.between(0, 10);
    if (roll < 85) return prng.between(11, 1100);
    if (roll < 90) return 0x7fff_ffff;
    if (roll < 95) return U32 - 1;
    return prng.u32();
  }

  flags32(count: number): number {
    const prng = this.prng;
    const all = count >= 32 ? U32 - 1 : 2 ** count - 1;
    // Sane flags set each bit with probability 1/4: conflicting combinations stay rare.
    if (this.sane) return prng.chance(0.3) ? 0 : prng.u32() & prng.u32() & all;
    const roll = prng.below(100);
    if (roll < 15) return 0;
    if (roll < 25) return all;
    if (roll < 82) return prng.u32() & all;
    if (roll < 92) return prng.u32() & 0xffff;
    return prng.u32();
  }

  flags64(count: number): bigint {
    const prng = this.prng;
    const all = (1n << BigInt(count)) - 1n;
    // Sane rights are all of them half the time: descriptors that can do things.
    if (this.sane) return prng.chance(0.5) ? all : prng.u64() & all;
    const roll = prng.below(100);
    if (roll < 15) return 0n;
    if (roll < 30) return all;
    if (roll < 82) return prng.u64() & all;
    if (roll < 90) return (1n << 64n) - 1n;
    return prng.u64();
  }

  enumValue(count: number): number {
    const prng = this.prng;
    if (this.sane || prng.chance(0.88)) return prng.below(count);
    return prng.pick([count, count + 1, 0xff, 0xffff, prng.u32()]);
  }

  integer32(): number {
    const prng = this.prng;
    const roll = this.sane ? prng.below(70) : prng.below(100);
    if (roll < 20) return 0;
    if (roll < 30) return 1;
    if (roll < 55) return prng.between(2, 255);
    if (roll < 70) return prng.between(256, 65536);
    if (roll < 77) return 0x7fff_ffff;
    if (roll < 84) return 0x8000_0000;
    if (roll < 91) return U32 - 1;
    return prng.u32();
  }

  integer64(): bigint {
    const prng = this.prng;
    const roll = this.sane ? prng.below(50) : prng.below(100);
    if (roll < 18) return 0n;
    if (roll < 26) return 1n;
    if (roll < 50) return BigInt(prng.between(2, 70000));
    if (roll < 55) return 0x7fff_ffffn;
    if (roll < 60) return 0x1_0000_0000n;
    if (roll < 64) return 1n << 53n;
    if (roll < 68) return (1n << 63n) - 1n;
    if (roll < 73) return 1n << 63n;
    if (roll < 80) return (1n << 64n) - 1n;
    if (roll < 85) return (1n << 64n) - BigInt(prng.between(1, 4096));
    return prng.u64();
  }

  /** poll_oneoff's subscriptions: mostly clocks with short timeouts, some fd events. */
  subscriptions(address: number, count: number, layout: PollLayout): void {
    if (count > 64 || address + count * layout.subscriptionSize > this.state.memoryBytes) return;
    const prng = this.prng;
    const bytes = randomBytes(prng, count * layout.subscriptionSize);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < count; i++) {
      const at = i * layout.subscriptionSize;
      const tag = prng.chance(0.65) ? layout.clockTag : prng.chance(0.9) ? prng.between(0, 2) : prng.u32() & 0xff;
      view.setUint8(at + layout.tagOffset, tag);
      if (tag === layout.clockTag) {
        view.setUint32(at + layout.clockIdOffset, prng.chance(0.95) ? prng.between(0, 3) : prng.u32(), true);
        view.setBigUint64(at + layout.timeoutOffset, BigInt(prng.between(0, 200_000)), true);
        view.setUint16(at + layout.clockFlagsOffset, prng.chance(0.7) ? 0 : prng.chance(0.8) ? 1 : prng.u32() & 0xffff, true);
      } else {
        view.setUint32(at + layout.payloadOffset, this.fd(false), true);
      }
    }
    this.write(address, bytes);
  }
}

/** Draws the argument list of `spec` (u32/u64 values; `toWasmArgs` makes them what wasm passes). */
function drawArguments(builder: CallBuilder, spec: FunctionSpec, poll: PollLayout): (number | bigint)[] {
  const values: (number | bigint | undefined)[] = new Array(spec.params.length).fill(undefined);
  spec.params.forEach((param: ParamSpec, index: number) => {
    if (values[index] !== undefined) return;
    const shape = param.shape;
    switch (shape.kind) {
      case "fd":
        values[index] = builder.fd(spec.name.startsWith("path_"));
        return;
      case "flags":
        values[index] = param.core === "i64" ? builder.flags64(shape.count) : builder.flags32(shape.count);
        return;
      case "enum":
        values[index] = builder.enumValue(shape.count);
        return;
      case "integer":
        values[index] = param.core === "i64" ? builder.integer64() : builder.integer32();
        return;
      case "string": {
        const [address, length] = builder.string(pathBytes(builder.prng, builder.state, builder.sane));
        values[index] = address;
        values[shape.lengthIndex] = length;
        return;
      }
      case "list": {
        const [address, count] = builder.list(shape.elementSize, shape.elementAlign, shape.buffers === "write-from");
        values[index] = address;
        values[shape.lengthIndex] = count;
        return;
      }
      case "length":
        // Set with its address, which always comes first.
        values[index] = 0;
        return;
      case "pointer": {
        let count: number;
        if (shape.countIndex === null) {
          count = 64;
        } else if (values[shape.countIndex] !== undefined) {
          count = Number(values[shape.countIndex]);
        } else {
          count = shape.pointeeSize === 1 ? builder.bufferLength(0) : builder.count(shape.pointeeSize);
          values[shape.countIndex] = count;
        }
        const address = builder.address(Math.min(count * shape.pointeeSize, builder.state.memoryBytes), shape.pointeeAlign);
        values[index] = address;
        if (!shape.writable && shape.pointeeSize === poll.subscriptionSize) builder.subscriptions(address, count, poll);
        return;
      }
      case "out":
        values[index] = builder.address(shape.size, shape.align);
        return;
    }
  });
  return values.map((value, index) => {
    if (value === undefined) throw new Error(`${spec.name}: no value for parameter ${index}`);
    return value;
  });
}

/** The arguments as a wasm caller hands them to an import: i32 signed, i64 signed. */
function toWasmArgs(spec: FunctionSpec, values: readonly (number | bigint)[]): (number | bigint)[] {
  return values.map((value, index) => (spec.params[index].core === "i64" ? BigInt.asIntN(64, BigInt(value)) : Number(value) | 0));
}

/** Functions drawn more often: where the sandbox and the tricky memory handling are. */
const weights: Readonly<Record<string, number>> = {
  path_open: 4,
  path_symlink: 2,
  path_rename: 2,
  path_link: 2,
  path_filestat_get: 2,
  path_readlink: 2,
  fd_read: 2,
  fd_write: 2,
  fd_readdir: 2,
  fd_close: 2,
  poll_oneoff: 2,
};

function chooseFunction(prng: Prng, functions: readonly FunctionSpec[]): FunctionSpec {
  let total = 0;
  for (const spec of functions) total += weights[spec.name] ?? 1;
  let roll = prng.below(total);
  for (const spec of functions) {
    roll -= weights[spec.name] ?? 1;
    if (roll < 0) return spec;
  }
  return functions[functions.length - 1];
}

/**
 * Closing (or renumbering over) the preopens ends every path call of the
 * episode with badf, so it is left to one such call in a hundred.
 */
function sparePreopens(state: GeneratorState, values: (number | bigint)[]): void {
  const prng = state.prng;
  const others = [...state.liveFds].filter((fd) => fd > 4);
  for (let i = 0; i < values.length; i++) {
    if ((values[i] === 3 || values[i] === 4) && prng.chance(0.99)) {
      values[i] = others.length > 0 && prng.chance(0.8) ? prng.pick(others) : prng.between(5, 20);
    }
  }
}

/** One random call to one of `functions` (proc_exit is left to the engine). */
export function generateCall(state: GeneratorState, functions: readonly FunctionSpec[], poll: PollLayout): FuzzCall {
  const prng = state.prng;
  const pages = state.memoryBytes / PAGE;
  const grow = pages < state.maxPages && prng.chance(0.02) ? Math.min(prng.between(1, 3), state.maxPages - pages) : 0;
  state.memoryBytes += grow * PAGE;
  const builder = new CallBuilder(state, prng.chance(0.5));
  // Junk somewhere, so the host never sees the same memory twice.
  if (prng.chance(0.3)) {
    const length = prng.between(1, 512);
    builder.write(prng.below(Math.max(1, state.memoryBytes - length)), randomBytes(prng, length));
  }
  const spec = chooseFunction(prng, functions);
  const values = drawArguments(builder, spec, poll);
  if (spec.name === "fd_close" || spec.name === "fd_renumber") sparePreopens(state, values);
  const listTotal = builder.listTotal;
  if (listTotal === undefined) return { fn: spec.name, args: toWasmArgs(spec, values), writes: builder.writes, grow };
  // Gigabytes go to /dev/null, or to no descriptor at all once the guest closed those.
  const nullFds = [...state.nullFds];
  const fdIndex = spec.params.findIndex((param) => param.shape.kind === "fd");
  values[fdIndex] = nullFds.length > 0 ? prng.pick(nullFds) : 0x7fff_ffff;
  return { fn: spec.name, args: toWasmArgs(spec, values), writes: builder.writes, grow, listTotal };
}

/** The initial memory contents of an episode: random bytes from their own seed. */
export function fillMemory(bytes: Uint8Array, prng: Prng): void {
  for (let i = 0; i < bytes.length; i += 4) {
    const word = prng.u32();
    bytes[i] = word;
    bytes[i + 1] = word >>> 8;
    bytes[i + 2] = word >>> 16;
    bytes[i + 3] = word >>> 24;
  }
}
