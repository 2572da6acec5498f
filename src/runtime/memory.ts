import type { PointerErrorKind } from "./error-policy.js";

/** Bytes a wasm32 address can reach; a range ending past it wrapped around in 32-bit arithmetic. */
const ADDRESS_SPACE = 2 ** 32;
const TWO_TO_32 = 2 ** 32;
const TWO_TO_64 = 2 ** 64;

/**
 * The guest's linear memory as the generated glue sees it: cached views that are
 * rebuilt only when `memory.buffer` changes (after `memory.grow`, including a grown
 * SharedArrayBuffer), and the range checks every pointer goes through.
 *
 * Guest addresses arrive from wasm as signed i32 and are made unsigned by the glue
 * before they reach here. All arithmetic stays below 2^53 (an address < 2^32 plus a
 * length < 2^32 times an element size < 2^16), so `address + length > size` is an
 * exact test and cannot wrap the way 32-bit C arithmetic would.
 */
/**
 * What the host needs of a `WebAssembly.Memory`, spelled out so the published
 * declarations compile in projects without the DOM lib (@types/node 20 has no
 * `WebAssembly` namespace).
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}

// What the views are before a memory is attached, shared by every instance: made per instance,
// they were about 15 ArrayBuffers per WASI object for each scavenge to sweep.
const noBytes = new Uint8Array(0);
const noView = new DataView(noBytes.buffer);
const noWords64 = new BigUint64Array(0);
const noWords32 = new Uint32Array(0);

export class GuestMemory {
  private memory: WasmMemory | null = null;
  private buffer: ArrayBufferLike | null = null;
  /** Byte view of the whole memory; valid until the next `refresh()`. */
  bytes: Uint8Array = noBytes;
  /** DataView of the whole memory; valid until the next `refresh()`. */
  view: DataView = noView;
  private words64: BigUint64Array = noWords64;
  private words32: Uint32Array = noWords32;
  /** Current memory size in bytes. */
  size = 0;
  /** Whether the memory is a SharedArrayBuffer (TextDecoder cannot read those directly). */
  shared = false;
  /** Describes the last failed check, for trap messages. */
  lastProblem = "";
  /** What the last failed check found, for the error policy. */
  lastFailure: PointerErrorKind = "outOfBounds";

  /**
   * `notAttached` makes the error an import throws when it is called before
   * `attach` (the WASI class throws node:wasi's ERR_WASI_NOT_STARTED).
   */
  constructor(private readonly notAttached: () => Error = memoryNotAttached) {}

  attach(memory: WasmMemory): void {
    this.memory = memory;
    this.buffer = null;
    this.bytes = noBytes;
    this.reload();
  }

  get attached(): boolean {
    return this.memory !== null;
  }

  /** What an import that touches no memory calls first, so that it too fails before `attach`. */
  requireAttached(): void {
    if (this.memory === null) throw this.notAttached();
  }

  /**
   * Brings the views up to date with the memory's current buffer. Called on every
   * import, so the common case must not touch `memory.buffer` (a C++ accessor): a
   * non-shared memory detaches its old buffer when it grows, so while our view still
   * has bytes, nothing changed. A shared memory keeps its old buffer valid but short,
   * so it is asked each time.
   */
  refresh(): this {
    if (!this.shared && this.bytes.byteLength !== 0) return this;
    return this.reload();
  }

  private reload(): this {
    const memory = this.memory;
    if (memory === null) throw this.notAttached();
    const buffer = memory.buffer;
    if (buffer !== this.buffer || this.bytes.byteLength !== buffer.byteLength) {
      this.buffer = buffer;
      this.bytes = new Uint8Array(buffer);
      this.words64 = new BigUint64Array(buffer, 0, buffer.byteLength >>> 3);
      // Records the glue writes store their u64 fields through it (setU64).
      this.view = nativeLittleEndian ? Object.assign(new DataView(buffer), { words64: this.words64 }) : new DataView(buffer);
      this.words32 = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
      this.size = buffer.byteLength;
      this.shared = typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer;
    }
    return this;
  }

  /**
   * Stores a u64 success value at an 8-aligned address (the glue checked it): a
   * bigint, or a number that is a non-negative integer below 2^64 (src/runtime/out.ts),
   * written as its two 32-bit halves, so no BigInt is made for it. Typed-array
   * stores are cheaper than the DataView's for the clock and size results written
   * on every call; big-endian hosts keep the DataView. Throws a RangeError for any
   * other number, which the glue reports as a host failure.
   */
  storeU64(address: number, value: bigint | number): void {
    if (typeof value === "number") {
      if (!(value >= 0 && value < TWO_TO_64 && Math.floor(value) === value)) {
        throw new RangeError(`a u64 result must be a bigint or a non-negative integer below 2^64, not ${value}`);
      }
      // A 32-bit store takes its value modulo 2^32 and drops a fraction, so both halves are exact.
      if (nativeLittleEndian) {
        const index = address >>> 2;
        this.words32[index] = value;
        this.words32[index + 1] = value / TWO_TO_32;
      } else {
        this.view.setUint32(address, value, true);
        this.view.setUint32(address + 4, value / TWO_TO_32, true);
      }
    } else if (nativeLittleEndian) this.words64[address >>> 3] = value;
    else this.view.setBigUint64(address, value, true);
  }

  /** True when `[address, address + length)` lies in memory and `address` is a multiple of `align` (a power of two). */
  inRange(address: number, length: number, align: number): boolean {
    if ((address & (align - 1)) !== 0) {
      this.lastFailure = "misaligned";
      this.lastProblem = `misaligned pointer 0x${address.toString(16)} (needs ${align}-byte alignment)`;
      return false;
    }
    if (address + length > this.size) return this.outside(`pointer 0x${address.toString(16)} + ${length} bytes`, address + length);
    return true;
  }

  /** Records a range that ends at `end`, past the end of memory; false, for the caller to return. */
  private outside(range: string, end: number): false {
    this.lastFailure = end > ADDRESS_SPACE ? "lengthOverflow" : "outOfBounds";
    this.lastProblem = `${range} is outside memory of ${this.size} bytes`;
    return false;
  }

  /** `inRange` for an array of `count` elements of `elementSize` bytes. */
  arrayInRange(address: number, count: number, elementSize: number, align: number): boolean {
    return this.inRange(address, count * elementSize, align);
  }

  /**
   * Decodes a list of (pointer, length) byte-buffer records (iovecs) into views of
   * guest memory. The caller has checked the list itself (`arrayInRange`) and its
   * length limit; this checks every buffer. Null when a buffer is out of bounds.
   * The one-buffer case, nearly every read and write, is kept short so that the
   * optimizing compiler still has room to inline the host method after it.
   */
  bufferList(
    address: number,
    count: number,
    elementSize: number,
    pointerOffset: number,
    lengthOffset: number,
    single: ViewCache,
  ): readonly Uint8Array[] | null {
    if (count !== 1) return this.bufferArray(address, count, elementSize, pointerOffset, lengthOffset);
    const start = this.view.getUint32(address + pointerOffset, true);
    const length = this.view.getUint32(address + lengthOffset, true);
    if (start + length > this.size) return this.bufferOutside(0, start, length);
    return single.list(this, start, length);
  }

  private bufferArray(
    address: number,
    count: number,
    elementSize: number,
    pointerOffset: number,
    lengthOffset: number,
  ): readonly Uint8Array[] | null {
    const view = this.view;
    const bytes = this.bytes;
    const size = this.size;
    const buffers = new Array<Uint8Array>(count);
    for (let i = 0; i < count; i++) {
      const element = address + i * elementSize;
      const start = view.getUint32(element + pointerOffset, true);
      const length = view.getUint32(element + lengthOffset, true);
      if (start + length > size) return this.bufferOutside(i, start, length);
      buffers[i] = bytes.subarray(start, start + length);
    }
    return buffers;
  }

  /** Records that element `index` of a buffer list lies outside memory; null, for the caller to return. */
  private bufferOutside(index: number, start: number, length: number): null {
    this.outside(`element ${index}: buffer 0x${start.toString(16)} + ${length} bytes`, start + length);
    return null;
  }

  /** A view of `length` bytes at `address`; the caller has checked the range. */
  slice(address: number, length: number): Uint8Array {
    return this.bytes.subarray(address, address + length);
  }

  /**
   * Decodes `length` bytes at `address` as UTF-8 (range already checked).
   * Returns null for invalid UTF-8. TextDecoder takes ASCII paths faster than
   * String.fromCharCode.apply, which copies the bytes into an argument list first.
   */
  utf8(address: number, length: number): string | null {
    const end = address + length;
    const source = this.shared ? this.bytes.slice(address, end) : this.bytes.subarray(address, end);
    try {
      return strictUtf8.decode(source);
    } catch {
      return null;
    }
  }
}

/**
 * Remembers the last view one call site handed out. Guests pass the same buffer
 * over and over (a read loop, a random pool, a write of a line buffer), so the
 * view, or the one-element list holding it, is reused while the address, length
 * and memory buffer stay the same; that saves the allocations that otherwise
 * dominate cheap calls. Handed-out objects are never changed afterwards, so a
 * nested call (host code calling back into the guest) cannot disturb them.
 */
export class ViewCache {
  private source: Uint8Array | null = null;
  private address = -1;
  private length = -1;
  private cachedView: Uint8Array = noBytes;
  private cachedList: readonly Uint8Array[] = [];
  private listSource: Uint8Array | null = null;
  private listAddress = -1;
  private listLength = -1;

  /** A view of `length` bytes at `address` (range already checked). */
  view(memory: GuestMemory, address: number, length: number): Uint8Array {
    const bytes = memory.bytes;
    if (address !== this.address || length !== this.length || bytes !== this.source) {
      this.source = bytes;
      this.address = address;
      this.length = length;
      this.cachedView = bytes.subarray(address, address + length);
    }
    return this.cachedView;
  }

  /** A one-element buffer list for `length` bytes at `address` (range already checked). */
  list(memory: GuestMemory, address: number, length: number): readonly Uint8Array[] {
    const bytes = memory.bytes;
    if (address !== this.listAddress || length !== this.listLength || bytes !== this.listSource) {
      this.listSource = bytes;
      this.listAddress = address;
      this.listLength = length;
      this.cachedList = [bytes.subarray(address, address + length)];
    }
    return this.cachedList;
  }
}

function memoryNotAttached(): Error {
  return new WebAssembly.RuntimeError("wasi: a WASI function was called before the instance's memory was attached");
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** Whether typed arrays store numbers little-endian here (wasm memory always is). */
export const nativeLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
