/**
 * Byte buffers: the one shape the host sees as raw bytes instead of typed values.
 * A `(@witx pointer u8)` with a `<name>_len` size, or a list of records that are
 * nothing but such a pair (iovecs), reaches the host as `Uint8Array` views.
 */
import type { Type, TypeRef } from "../model/types.js";
import { resolve } from "../model/walk.js";

/**
 * A record that is nothing but a byte buffer: `(field $buf (@witx pointer u8)) (field $buf_len $size)`.
 * Lists of these (iovecs) reach the host as `Uint8Array` views.
 */
export function byteBufferFields(type: Type): { pointer: string; length: string; constant: boolean } | null {
  if (type.kind !== "record" || type.fields.length !== 2) return null;
  const [pointerField, lengthField] = type.fields;
  const pointer = resolve(pointerField.type);
  if (pointer.kind !== "pointer" || !isByte(pointer.pointee)) return null;
  if (lengthField.name !== `${pointerField.name}_len` || !isU32(lengthField.type)) return null;
  return { pointer: pointerField.name, length: lengthField.name, constant: pointer.constant };
}

export function isByte(ref: TypeRef): boolean {
  const type = resolve(ref);
  return type.kind === "builtin" && (type.name === "u8" || type.name === "s8" || type.name === "char");
}

export function isU32(ref: TypeRef): boolean {
  const type = resolve(ref);
  return type.kind === "builtin" && type.name === "u32";
}
