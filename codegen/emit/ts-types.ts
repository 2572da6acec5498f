/**
 * The TypeScript spelling of witx types, and the codec expression that stores them.
 * Shared by every emitter so that a type is spelled the same way everywhere.
 */
import { byteBufferFields } from "../abi/byte-buffers.js";
import type { BuiltinName, Type, TypeRef } from "../model/types.js";
import { resolve } from "../model/walk.js";
import { codecName, typeName } from "./names.js";

function isWide(name: BuiltinName): boolean {
  return name === "u64" || name === "s64";
}

/** Whether values of this type are JS bigints (64-bit integers, 64-bit enum/flags reprs). */
export function isBigInt(ref: TypeRef): boolean {
  const type = resolve(ref);
  switch (type.kind) {
    case "builtin":
      return isWide(type.name);
    case "enum":
      return type.tag === "u64";
    case "flags":
      return type.repr === "u64";
    default:
      return false;
  }
}

/**
 * The TypeScript type for a use of `ref`. `qualifier` prefixes names defined in the
 * module's types file (`t.` from other files, `` inside it).
 */
export function tsType(ref: TypeRef, qualifier: string): string {
  if (ref.kind === "named") return qualifier + typeName(ref.name);
  return tsTypeOf(ref.type, qualifier);
}

/** The TypeScript type for a type expression written inline. */
export function tsTypeOf(type: Type, qualifier: string): string {
  switch (type.kind) {
    case "builtin":
      return isWide(type.name) ? "bigint" : "number";
    case "string":
      return "string";
    case "pointer":
      return "GuestAddress";
    case "list": {
      const element = resolve(type.element);
      if (byteBufferFields(element)) return "readonly Uint8Array[]";
      return `readonly ${tsType(type.element, qualifier)}[]`;
    }
    case "tuple":
      return `[${type.elements.map((element) => tsType(element, qualifier)).join(", ")}]`;
    case "enum":
    case "flags":
      return isBigInt({ kind: "inline", type }) ? "bigint" : "number";
    case "handle":
      return "number";
    case "record":
    case "variant":
    case "expected":
      throw new Error(`a ${type.kind} must be named with a typename to be emitted`);
  }
}

const builtinCodecs: Record<BuiltinName, string> = {
  u8: "u8Codec",
  u16: "u16Codec",
  u32: "u32Codec",
  u64: "u64Codec",
  s8: "s8Codec",
  s16: "s16Codec",
  s32: "s32Codec",
  s64: "s64Codec",
  f32: "f32Codec",
  f64: "f64Codec",
  char: "u8Codec",
};

/** The codec expression that reads and writes `ref` in guest memory, or null for types stored only behind pointers. */
export function codecExpression(ref: TypeRef, qualifier: string): string | null {
  if (ref.kind === "named") {
    const type = ref.target.type;
    if (type.kind === "list" || type.kind === "string" || type.kind === "pointer") return null;
    return qualifier + codecName(ref.name);
  }
  const type = ref.type;
  if (type.kind === "builtin") return builtinCodecs[type.name];
  return null;
}

/** DataView accessor suffix and little-endian flag for an integer repr or builtin. */
export function dataViewAccess(name: BuiltinName): { get: string; set: string; littleEndian: boolean } {
  const table: Record<BuiltinName, [string, boolean]> = {
    u8: ["Uint8", false],
    s8: ["Int8", false],
    char: ["Uint8", false],
    u16: ["Uint16", true],
    s16: ["Int16", true],
    u32: ["Uint32", true],
    s32: ["Int32", true],
    u64: ["BigUint64", true],
    s64: ["BigInt64", true],
    f32: ["Float32", true],
    f64: ["Float64", true],
  };
  const [suffix, littleEndian] = table[name];
  return { get: `get${suffix}`, set: `set${suffix}`, littleEndian };
}
