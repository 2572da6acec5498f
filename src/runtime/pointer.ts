/**
 * A typed guest pointer, handed to host methods for witx `(@witx pointer T)`
 * parameters that have no paired length (argv tables, poll_oneoff's arrays).
 * Every access checks bounds and alignment through the call's policy, so the host
 * reads and writes typed values and never does address arithmetic of its own.
 * Valid only during the host call that received it.
 */
import type { Codec } from "./codec.js";
import type { GuestMemory } from "./memory.js";
import type { CallPolicy } from "./policy.js";

/** Where pointers come from: the memory they point into, and the argument a bad access is reported against. */
export class PointerOrigin {
  constructor(
    readonly memory: GuestMemory,
    readonly policy: CallPolicy,
    readonly functionName: string,
    readonly argument: string,
  ) {}
}

export class GuestPointer<T> {
  constructor(
    private readonly origin: PointerOrigin,
    /** The guest address; exposed for tracing and for storing this pointer into guest memory. */
    readonly address: number,
    readonly codec: Codec<T>,
  ) {}

  /** The pointer `index` elements further on. */
  at(index: number): GuestPointer<T> {
    return new GuestPointer(this.origin, this.address + index * this.codec.size, this.codec);
  }

  /** A pointer `byteOffset` bytes further on, to a value of another type (e.g. into a string table). */
  offset<U>(byteOffset: number, codec: Codec<U>): GuestPointer<U> {
    return new GuestPointer(this.origin, this.address + byteOffset, codec);
  }

  read(): T {
    const memory = this.check(1);
    return this.codec.read(memory.view, this.address);
  }

  write(value: T): void {
    const memory = this.check(1);
    this.codec.write(memory.view, this.address, value);
  }

  readArray(count: number): T[] {
    const memory = this.check(count);
    const { size } = this.codec;
    const values = new Array<T>(count);
    for (let i = 0; i < count; i++) values[i] = this.codec.read(memory.view, this.address + i * size);
    return values;
  }

  writeArray(values: readonly T[]): void {
    const memory = this.check(values.length);
    const { size } = this.codec;
    for (let i = 0; i < values.length; i++) this.codec.write(memory.view, this.address + i * size, values[i]);
  }

  /** Copies bytes to the pointee (for byte pointers) with one `set`. */
  writeBytes(this: GuestPointer<number>, bytes: Uint8Array): void {
    const memory = this.check(bytes.length);
    memory.bytes.set(bytes, this.address);
  }

  /**
   * Stores `base + offsets[i]` into element i of a table of pointers (argv, environ),
   * checking the table once rather than per element.
   */
  storeAddresses(this: GuestPointer<GuestPointer<number>>, base: GuestPointer<number>, offsets: ArrayLike<number>): void {
    const memory = this.check(offsets.length);
    const view = memory.view;
    const { size } = this.codec;
    for (let i = 0; i < offsets.length; i++) view.setUint32(this.address + i * size, base.address + offsets[i], true);
  }

  private check(count: number): GuestMemory {
    const { memory: guest, policy, functionName, argument } = this.origin;
    const memory = guest.refresh();
    if (!memory.arrayInRange(this.address, count, this.codec.size, this.codec.align)) {
      policy.raiseBadPointer(functionName, argument, memory);
    }
    return memory;
  }
}

/**
 * Makes the `GuestPointer`s one pointer argument of one function hands to the host.
 * The glue builds one per such argument when the imports are created, so a call
 * only supplies the address.
 */
export class PointerFactory<T> {
  constructor(
    private readonly origin: PointerOrigin,
    readonly codec: Codec<T>,
  ) {}

  /** The pointer for `address` as wasm passed it (a signed i32). */
  at(address: number): GuestPointer<T> {
    return new GuestPointer(this.origin, address >>> 0, this.codec);
  }

  /** The factory for pointers to the pointers this one makes (`(@witx pointer (@witx pointer T))`). */
  indirect(): PointerFactory<GuestPointer<T>> {
    return new PointerFactory(this.origin, pointerCodec(this.codec, this.origin));
  }
}

/** The codec for a pointer stored in guest memory, producing `GuestPointer`s to `pointee`. */
function pointerCodec<T>(pointee: Codec<T>, origin: PointerOrigin): Codec<GuestPointer<T>> {
  return {
    name: `pointer<${pointee.name}>`,
    size: 4,
    align: 4,
    read: (view, offset) => new GuestPointer(origin, view.getUint32(offset, true), pointee),
    write: (view, offset, value) => view.setUint32(offset, value.address, true),
  };
}

/** The factory for pointers to `codec` values passed as `argument` of `functionName`. */
export function pointerFactory<T>(
  memory: GuestMemory,
  policy: CallPolicy,
  functionName: string,
  argument: string,
  codec: Codec<T>,
): PointerFactory<T> {
  return new PointerFactory(new PointerOrigin(memory, policy, functionName, argument), codec);
}
