/**
 * Makes a module's memory shareable between the worker that runs the guest and
 * the embedder's thread that runs the host.
 *
 * A guest built by wasi-libc (clang --target=wasm32-wasi) defines its own,
 * non-shared memory; the host thread could not see it. The module's bytes are
 * rewritten so that memory becomes an import of a shared memory with the same
 * limits (a maximum is required for shared memories: 65536 pages, the wasm32
 * limit, when the module gives none). The code is untouched: loads and stores
 * behave the same on a shared memory, and the memory keeps index 0, so the
 * module's own export of it still names it. A module that already imports a
 * memory has that import made shared the same way.
 *
 * Nothing here uses Node.
 */
const MAX_PAGES = 65536;
const IMPORT_SECTION = 2;
const MEMORY_SECTION = 5;
const CUSTOM_SECTION = 0;
const IMPORT_KIND_MEMORY = 2;

/** Where the rewritten module imports its memory from, and the limits to create it with. */
export interface SharedMemoryPlan {
  readonly bytes: Uint8Array;
  readonly importModule: string;
  readonly importName: string;
  readonly initial: number;
  readonly maximum: number;
}

/** The import the rewritten module reads its memory from when it defined its own. */
export const SHARED_MEMORY_IMPORT = { module: "witx-wasi", name: "memory" } as const;

class Reader {
  offset: number;
  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.offset = offset;
  }
  byte(): number {
    if (this.offset >= this.bytes.length) throw new WebAssembly.CompileError("worker runner: the module ends inside a section");
    return this.bytes[this.offset++];
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 28) throw new WebAssembly.CompileError("worker runner: an LEB128 number in the module is too long");
    }
  }
  name(): string {
    const length = this.u32();
    const start = this.offset;
    this.offset += length;
    return new TextDecoder().decode(this.bytes.subarray(start, this.offset));
  }
}

function u32Bytes(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function nameBytes(name: string): number[] {
  const encoded = new TextEncoder().encode(name);
  return [...u32Bytes(encoded.length), ...encoded];
}

interface Limits {
  readonly shared: boolean;
  readonly initial: number;
  readonly maximum: number | null;
}

function readLimits(reader: Reader): Limits {
  const flags = reader.byte();
  if (flags & 0x04) throw new TypeError("worker runner: 64-bit memories are not supported");
  const initial = reader.u32();
  const maximum = flags & 0x01 ? reader.u32() : null;
  return { shared: (flags & 0x02) !== 0, initial, maximum };
}

function sharedLimitBytes(limits: Limits): number[] {
  return [0x03, ...u32Bytes(limits.initial), ...u32Bytes(limits.maximum ?? MAX_PAGES)];
}

function skipImportDescription(reader: Reader, kind: number): void {
  switch (kind) {
    case 0:
      reader.u32();
      return;
    case 1:
      reader.byte();
      readLimits(reader);
      return;
    case 3:
      reader.byte();
      reader.byte();
      return;
    case 4:
      reader.byte();
      reader.u32();
      return;
    default:
      throw new WebAssembly.CompileError(`worker runner: unknown import kind ${kind}`);
  }
}

interface Section {
  readonly id: number;
  readonly start: number;
  readonly payloadStart: number;
  readonly end: number;
}

function sections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new WebAssembly.CompileError("worker runner: not a WebAssembly module");
  }
  const found: Section[] = [];
  const reader = new Reader(bytes, 8);
  while (reader.offset < bytes.length) {
    const start = reader.offset;
    const id = reader.byte();
    const size = reader.u32();
    const payloadStart = reader.offset;
    reader.offset += size;
    if (reader.offset > bytes.length) throw new WebAssembly.CompileError("worker runner: a section runs past the end of the module");
    found.push({ id, start, payloadStart, end: reader.offset });
  }
  return found;
}

function section(id: number, payload: number[] | Uint8Array): number[] {
  return [id, ...u32Bytes(payload.length), ...payload];
}

function join(parts: (Uint8Array | number[])[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The module's bytes with its memory imported as a shared memory, and how to make that memory. */
export function shareMemory(bytes: Uint8Array): SharedMemoryPlan {
  const all = sections(bytes);
  const imports = all.find((candidate) => candidate.id === IMPORT_SECTION);
  if (imports !== undefined) {
    const reader = new Reader(bytes, imports.payloadStart);
    const count = reader.u32();
    for (let i = 0; i < count; i++) {
      const importModule = reader.name();
      const importName = reader.name();
      const kind = reader.byte();
      if (kind !== IMPORT_KIND_MEMORY) {
        skipImportDescription(reader, kind);
        continue;
      }
      const limitsStart = reader.offset;
      const limits = readLimits(reader);
      const plan = { importModule, importName, initial: limits.initial, maximum: limits.maximum ?? MAX_PAGES };
      if (limits.shared && limits.maximum !== null) return { bytes, ...plan };
      const payload = join([
        bytes.subarray(imports.payloadStart, limitsStart),
        sharedLimitBytes(limits),
        bytes.subarray(reader.offset, imports.end),
      ]);
      return { bytes: join([bytes.subarray(0, imports.start), section(IMPORT_SECTION, payload), bytes.subarray(imports.end)]), ...plan };
    }
  }
  const memories = all.find((candidate) => candidate.id === MEMORY_SECTION);
  if (memories === undefined)
    throw new TypeError("worker runner: the module has no memory, so the host cannot read or write its arguments");
  const reader = new Reader(bytes, memories.payloadStart);
  if (reader.u32() !== 1) throw new TypeError("worker runner: modules with several memories are not supported");
  const limits = readLimits(reader);
  const entry = [
    ...nameBytes(SHARED_MEMORY_IMPORT.module),
    ...nameBytes(SHARED_MEMORY_IMPORT.name),
    IMPORT_KIND_MEMORY,
    ...sharedLimitBytes(limits),
  ];
  let importSection: number[];
  if (imports === undefined) {
    importSection = section(IMPORT_SECTION, [...u32Bytes(1), ...entry]);
  } else {
    const counter = new Reader(bytes, imports.payloadStart);
    const count = counter.u32();
    importSection = section(IMPORT_SECTION, join([u32Bytes(count + 1), bytes.subarray(counter.offset, imports.end), entry]));
  }
  // The import section goes where it stood, or before the first section that must follow it.
  const anchor = imports ?? all.find((candidate) => candidate.id !== CUSTOM_SECTION && candidate.id > IMPORT_SECTION);
  const parts: (Uint8Array | number[])[] = [bytes.subarray(0, 8)];
  for (const current of all) {
    if (current === anchor) parts.push(importSection);
    if (current === memories || current === imports) continue;
    parts.push(bytes.subarray(current.start, current.end));
  }
  if (anchor === undefined) parts.push(importSection);
  return {
    bytes: join(parts),
    importModule: SHARED_MEMORY_IMPORT.module,
    importName: SHARED_MEMORY_IMPORT.name,
    initial: limits.initial,
    maximum: limits.maximum ?? MAX_PAGES,
  };
}
