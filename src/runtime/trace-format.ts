/**
 * Formatting helpers for generated call tracing. They read guest memory defensively
 * (a bad pointer prints as such instead of throwing): tracing runs before the glue
 * has checked anything, and must never change what the call does.
 */
import type { Codec } from "./codec.js";
import type { GuestMemory } from "./memory.js";

const previewBytes = 48;
const maxListedBuffers = 1024;
/** A trace line longer than this is cut (with "..."), so one call stays one readable line under 200 characters with the "[wasi] " prefix. */
const maxTraceLine = 190;
/** Strings of args_get/environ_get shown at most. */
const maxListedStrings = 16;

/**
 * One traced call, for programs that consume the trace (`trace: { onEvent }`);
 * the text trace is `formatTraceEvent` of these.
 */
export interface TraceEvent {
  /** The WASI function, e.g. "fd_write". */
  function: string;
  /** Each argument by its witx name, decoded as text (flags by name, strings quoted, buffers summarised). */
  arguments: Record<string, string>;
  /**
   * "success", "success (values...)" with results decoded like the arguments, an
   * errno name, "trap (...)" / "unwinds (...)" when the call threw, or null for a
   * function that does not return (proc_exit, logged before it runs).
   */
  result: string | null;
  /** Whether the call threw (a trap or an unwinding exit) instead of returning. */
  threw: boolean;
  /** Milliseconds the call took (0 for a function that does not return). */
  duration: number;
}

/**
 * `fd_write(fd=1, iovs=[...]) = success (5)`, at most `maxTraceLine` characters:
 * the longest argument values are shortened first, so the function and its
 * outcome stay whole; a result too long on its own is cut last.
 */
export function formatTraceEvent(event: TraceEvent): string {
  const values = Object.entries(event.arguments);
  const render = () => {
    const call = `${event.function}(${values.map(([name, value]) => `${name}=${value}`).join(", ")})`;
    return event.result === null ? call : `${call} ${event.threw ? "->" : "="} ${event.result}`;
  };
  let line = render();
  while (line.length > maxTraceLine) {
    const longest = values.reduce((best, entry, index) => (entry[1].length > values[best][1].length ? index : best), 0);
    const value = values[longest]?.[1] ?? "";
    if (value.length <= 12) break;
    values[longest] = [values[longest][0], `${value.slice(0, Math.max(9, value.length - (line.length - maxTraceLine) - 3))}...`];
    line = render();
  }
  return line.length > maxTraceLine ? `${line.slice(0, maxTraceLine - 3)}...` : line;
}

/**
 * Rights: `all`, or all but a few (`all -{fd_seek,fd_tell}`), or the few that are
 * set; 29 names joined by "|" say nothing at a glance.
 */
export function formatRights(names: readonly string[], value: number | bigint): string {
  const bits = BigInt.asUintN(64, BigInt(value));
  const known = (1n << BigInt(names.length)) - 1n;
  if ((bits & ~known) !== 0n) return formatFlags(names, bits);
  const missing = names.filter((_, i) => (bits & (1n << BigInt(i))) === 0n);
  if (missing.length === 0) return "all";
  if (missing.length < names.length / 2) return `all -{${missing.join(",")}}`;
  return formatFlags(names, bits);
}

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
    if (byte === 0x22 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
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

/** Decoders of a result's fields by name ("" for the value itself): enums, flags and rights by name. */
export type FieldFormatters = Record<string, (value: number | bigint) => string>;

/** A success value read back through its codec after the call succeeded. */
export function formatStored<T>(memory: GuestMemory, codec: Codec<T>, address: number, fields: FieldFormatters = {}): string {
  const bytes = readable(memory, address >>> 0, codec.size);
  if (bytes === null) return "<unreadable>";
  const value = codec.read(memory.view, address >>> 0);
  const self = fields[""];
  return self !== undefined && (typeof value === "number" || typeof value === "bigint") ? self(value) : formatValue(value, fields);
}

/** The bytes a call wrote into the guest's buffer list, up to the count it returned at `countAddress`. */
export function formatReceived(
  memory: GuestMemory,
  address: number,
  count: number,
  elementSize: number,
  pointerOffset: number,
  lengthOffset: number,
  countAddress: number,
): string {
  const counted = readable(memory, countAddress >>> 0, 4);
  if (counted === null) return "<unreadable>";
  let remaining = memory.view.getUint32(countAddress >>> 0, true);
  address >>>= 0;
  count = Math.min(count >>> 0, maxListedBuffers);
  const table = readable(memory, address, count * elementSize);
  if (table === null) return "<unreadable>";
  const joined: number[] = [];
  for (let i = 0; i < count && remaining > 0 && joined.length <= previewBytes; i++) {
    const start = memory.view.getUint32(address + i * elementSize + pointerOffset, true);
    const length = Math.min(memory.view.getUint32(address + i * elementSize + lengthOffset, true), remaining);
    const bytes = readable(memory, start, length);
    if (bytes === null) return "<unreadable>";
    joined.push(...bytes.subarray(0, previewBytes + 1 - joined.length));
    remaining -= length;
  }
  return quote(Uint8Array.from(joined.slice(0, previewBytes))) + (joined.length > previewBytes ? "..." : "");
}

/** Bytes the call wrote into an output buffer: all `length` of them, or as many as the u32 at `countAddress` says. */
export function formatWritten(memory: GuestMemory, address: number, length: number, countAddress?: number): string {
  let shown = length >>> 0;
  if (countAddress !== undefined) {
    if (readable(memory, countAddress >>> 0, 4) === null) return "<unreadable>";
    shown = Math.min(shown, memory.view.getUint32(countAddress >>> 0, true));
  }
  return formatString(memory, address, shown);
}

/**
 * The strings args_get/environ_get stored: the pointer table at `table` points
 * into `buffer`, one NUL-terminated string after another, as this host lays them
 * out; reading stops at the first entry that breaks that layout.
 */
export function formatStringTable(memory: GuestMemory, table: number, buffer: number): string {
  if (!memory.attached) return "<unreadable>";
  const view = memory.refresh();
  const strings: string[] = [];
  let expected = buffer >>> 0;
  for (let i = 0; i < maxListedStrings; i++) {
    const slot = (table >>> 0) + i * 4;
    if (slot + 4 > view.size || view.view.getUint32(slot, true) !== expected) break;
    const end = view.bytes.indexOf(0, expected);
    if (end === -1) break;
    strings.push(quote(view.bytes.subarray(expected, end)));
    expected = end + 1;
  }
  return `[${strings.join(", ")}${strings.length === maxListedStrings ? ", ..." : ""}]`;
}

function formatValue(value: unknown, fields: FieldFormatters = {}): string {
  if (typeof value === "bigint") return String(value);
  if (typeof value === "number") return String(value);
  if (value === null || typeof value !== "object") return String(value);
  if ("address" in value && typeof (value as { address: unknown }).address === "number") {
    return formatAddress((value as { address: number }).address);
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([key, inner]) => {
    const decode = fields[key];
    return `${key}: ${decode !== undefined && (typeof inner === "number" || typeof inner === "bigint") ? decode(inner) : formatValue(inner, fields)}`;
  });
  return `{ ${entries.join(", ")} }`;
}
