/**
 * Formatting helpers for generated call tracing. They read guest memory defensively
 * (a bad pointer prints as such instead of throwing): tracing runs before the glue
 * has checked anything, and must never change what the call does.
 */
import type { Codec } from "./codec.js";
import type { GuestMemory } from "./memory.js";

const previewBytes = 48;
const maxListedBuffers = 1024;

export function formatEnum(names: readonly string[], value: number | bigint): string {
  const name = names[Number(value)];
  return name === undefined ? `${value} (invalid)` : name;
}

export function formatFlags(names: readonly string[], value: number | bigint): string {
  const bits = BigInt.asUintN(64, BigInt(value));
  if (bits === 0n) return "0";
  const parts: string[] = [];
  let rest = bits;
  for (let i = 0; i < names.length; i++) {
    const bit = 1n << BigInt(i);
    if ((bits & bit) !== 0n) {
      parts.push(names[i]);
      rest &= ~bit;
    }
  }
  if (rest !== 0n) parts.push(`0x${rest.toString(16)} (invalid)`);
  return parts.join("|");
}

function quote(bytes: Uint8Array): string {
  const shown = bytes.subarray(0, previewBytes);
  let text = "";
  for (const byte of shown) {
    if (byte === 0x22 || byte === 0x5c) text += "\\" + String.fromCharCode(byte);
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else if (byte === 0x0a) text += "\\n";
    else if (byte === 0x09) text += "\\t";
    else text += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return `"${text}"${bytes.length > shown.length ? "..." : ""}`;
}

function readable(memory: GuestMemory, address: number, length: number): Uint8Array | null {
  if (!memory.attached) return null;
  const view = memory.refresh();
  if (address + length > view.size) return null;
  return view.bytes.subarray(address, address + length);
}

export function formatString(memory: GuestMemory, address: number, length: number): string {
  const bytes = readable(memory, address >>> 0, length >>> 0);
  return bytes === null ? `<bad pointer 0x${(address >>> 0).toString(16)}+${length >>> 0}>` : quote(bytes);
}

/** An output buffer: only where and how big, its contents are not meaningful before the call. */
export function formatByteRange(address: number, length: number): string {
  return `0x${(address >>> 0).toString(16)}[${length >>> 0}]`;
}

/** A list of (pointer, length) buffers; `showContents` for data the guest is sending. */
export function formatBufferList(
  memory: GuestMemory,
  address: number,
  count: number,
  elementSize: number,
  pointerOffset: number,
  lengthOffset: number,
  showContents: boolean,
): string {
  address >>>= 0;
  count >>>= 0;
  // Tracing runs before the glue's checks: a list longer than any host accepts is
  // described by its length alone, so a hostile count costs nothing to print.
  if (count > maxListedBuffers) return `[${count} buffers at 0x${address.toString(16)}]`;
  const table = readable(memory, address, count * elementSize);
  if (table === null) return `<bad pointer 0x${address.toString(16)}, ${count} buffers>`;
  const view = memory.view;
  let total = 0;
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const start = view.getUint32(address + i * elementSize + pointerOffset, true);
    const length = view.getUint32(address + i * elementSize + lengthOffset, true);
    total += length;
    const bytes = readable(memory, start, length);
    if (bytes === null) return `<bad buffer ${i} in ${count} buffers>`;
    parts.push(bytes);
  }
  const summary = `${count} buffer${count === 1 ? "" : "s"}, ${total} bytes`;
  if (!showContents || total === 0) return `[${summary}]`;
  const joined = new Uint8Array(Math.min(total, previewBytes + 1));
  let filled = 0;
  for (const part of parts) {
    if (filled >= joined.length) break;
    const take = part.subarray(0, joined.length - filled);
    joined.set(take, filled);
    filled += take.length;
  }
  return `[${summary}: ${quote(joined.subarray(0, Math.min(total, previewBytes)))}${total > previewBytes ? "..." : ""}]`;
}

export function formatAddress(address: number): string {
  return `0x${(address >>> 0).toString(16)}`;
}

/** A success value read back through its codec after the call succeeded. */
export function formatStored<T>(memory: GuestMemory, codec: Codec<T>, address: number): string {
  const bytes = readable(memory, address >>> 0, codec.size);
  if (bytes === null) return "<unreadable>";
  return formatValue(codec.read(memory.view, address >>> 0));
}

export function formatValue(value: unknown): string {
  if (typeof value === "bigint") return String(value);
  if (typeof value === "number") return String(value);
  if (value === null || typeof value !== "object") return String(value);
  if ("address" in value && typeof (value as { address: unknown }).address === "number") {
    return formatAddress((value as { address: number }).address);
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([key, inner]) => `${key}: ${formatValue(inner)}`);
  return `{ ${entries.join(", ")} }`;
}

export function describeThrow(thrown: unknown): string {
  if (thrown instanceof WebAssembly.RuntimeError) return `trap (${thrown.message})`;
  if (thrown instanceof Error) return `unwinds (${thrown.name}: ${thrown.message})`;
  return `unwinds (${String(thrown)})`;
}
