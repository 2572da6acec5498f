/**
 * How one witx type is stored in guest memory. The generator emits one codec per
 * record, variant and scalar type it needs; `GuestPointer` uses them to read and
 * write typed values without the host ever computing an offset.
 */
export interface Codec<T> {
  /** The witx type name, for trap messages and tracing. */
  readonly name: string;
  readonly size: number;
  readonly align: number;
  /** Reads a value at `offset`, which the caller has already bounds- and alignment-checked. */
  read(view: DataView, offset: number): T;
  /** Writes a value at `offset`, which the caller has already bounds- and alignment-checked. */
  write(view: DataView, offset: number, value: T): void;
}

/**
 * Thrown by a generated reader when guest memory holds a value its type does not
 * allow (an enum or variant tag out of range). The glue turns it into `inval`.
 */
export class InvalidGuestValue extends Error {
  constructor(typeName: string, value: number | bigint) {
    super(`invalid ${typeName} value ${value}`);
    this.name = "InvalidGuestValue";
  }
}

/** An enum value read from memory: returned when below `cases`, else InvalidGuestValue naming `typeName`. */
export function checkEnum(value: number, cases: number, typeName: string): number {
  if (value >= cases) throw new InvalidGuestValue(typeName, value);
  return value;
}

/** A flags value read from memory: returned when it sets no bit outside `all`, else InvalidGuestValue. */
export function checkFlags(value: number, all: number, typeName: string): number {
  if ((value & ~all) !== 0) throw new InvalidGuestValue(typeName, value);
  return value;
}

/** checkFlags for 64-bit flags. */
export function checkFlags64(value: bigint, all: bigint, typeName: string): bigint {
  if ((value & ~all) !== 0n) throw new InvalidGuestValue(typeName, value);
  return value;
}

export const u8Codec: Codec<number> = {
  name: "u8",
  size: 1,
  align: 1,
  read: (view, offset) => view.getUint8(offset),
  write: (view, offset, value) => view.setUint8(offset, value),
};

export const u16Codec: Codec<number> = {
  name: "u16",
  size: 2,
  align: 2,
  read: (view, offset) => view.getUint16(offset, true),
  write: (view, offset, value) => view.setUint16(offset, value, true),
};

export const u32Codec: Codec<number> = {
  name: "u32",
  size: 4,
  align: 4,
  read: (view, offset) => view.getUint32(offset, true),
  write: (view, offset, value) => view.setUint32(offset, value, true),
};

/**
 * Stores a u64 record field little-endian at `offset` (checked by the caller):
 * through the BigUint64Array GuestMemory hangs on its view (`words64`, from offset 0)
 * when there is one, a fifth of what DataView.setBigUint64 costs.
 */
export function setU64(view: DataView & { readonly words64?: BigUint64Array }, offset: number, value: bigint): void {
  const words = view.words64;
  if (words !== undefined && (offset & 7) === 0) words[offset >>> 3] = value;
  else view.setBigUint64(offset, value, true);
}

export const u64Codec: Codec<bigint> = {
  name: "u64",
  size: 8,
  align: 8,
  read: (view, offset) => view.getBigUint64(offset, true),
  write: (view, offset, value) => view.setBigUint64(offset, value, true),
};

/** @public The generator names it for a witx `s8` (codegen/emit/ts-types.ts); no witx file uses one yet. */
export const s8Codec: Codec<number> = {
  name: "s8",
  size: 1,
  align: 1,
  read: (view, offset) => view.getInt8(offset),
  write: (view, offset, value) => view.setInt8(offset, value),
};

/** @public The generator names it for a witx `s16` (codegen/emit/ts-types.ts); no witx file uses one yet. */
export const s16Codec: Codec<number> = {
  name: "s16",
  size: 2,
  align: 2,
  read: (view, offset) => view.getInt16(offset, true),
  write: (view, offset, value) => view.setInt16(offset, value, true),
};

/** @public The generator names it for a witx `s32` (codegen/emit/ts-types.ts); no witx file uses one yet. */
export const s32Codec: Codec<number> = {
  name: "s32",
  size: 4,
  align: 4,
  read: (view, offset) => view.getInt32(offset, true),
  write: (view, offset, value) => view.setInt32(offset, value, true),
};

export const s64Codec: Codec<bigint> = {
  name: "s64",
  size: 8,
  align: 8,
  read: (view, offset) => view.getBigInt64(offset, true),
  write: (view, offset, value) => view.setBigInt64(offset, value, true),
};

/** @public The generator names it for a witx `f32` (codegen/emit/ts-types.ts); no witx file uses one yet. */
export const f32Codec: Codec<number> = {
  name: "f32",
  size: 4,
  align: 4,
  read: (view, offset) => view.getFloat32(offset, true),
  write: (view, offset, value) => view.setFloat32(offset, value, true),
};

/** @public The generator names it for a witx `f64` (codegen/emit/ts-types.ts); no witx file uses one yet. */
export const f64Codec: Codec<number> = {
  name: "f64",
  size: 8,
  align: 8,
  read: (view, offset) => view.getFloat64(offset, true),
  write: (view, offset, value) => view.setFloat64(offset, value, true),
};
