/**
 * Pins the memory layout of the WASI structs to the wasm32 C ABI of
 * wasi-libc's <wasi/api.h> (and, for preview0, of its older wasi/core.h,
 * whose _Static_asserts give the same offsets), reading the project's witx.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { layoutOf, recordLayout, variantLayout } from "../codegen/abi/layout.js";
import { loadWitx, loadWitxFromSources } from "../codegen/model/load.js";
import type { Document, NamedType } from "../codegen/model/types.js";

const witx = (path: string) => fileURLToPath(new URL(`../witx/${path}`, import.meta.url));
const preview1 = loadWitx(witx("preview1/wasi_snapshot_preview1.witx"));
const preview0 = loadWitx(witx("preview0/wasi_unstable.witx"));

function named(doc: Document, name: string): NamedType {
  const found = doc.typesByName.get(name);
  if (found === undefined) throw new Error(`no typename $${name}`);
  return found;
}

/** size/align of a type and, for a record, each field's offset by name. */
function shape(doc: Document, name: string): { size: number; align: number; offsets?: Record<string, number> } {
  const type = named(doc, name);
  const { size, align } = layoutOf(type);
  if (type.type.kind !== "record") return { size, align };
  const offsets = Object.fromEntries(recordLayout(type).fields.map((field) => [field.name, field.offset]));
  return { size, align, offsets };
}

describe.each([
  ["preview1", preview1],
  ["preview0", preview0],
])("%s layouts shared by both previews", (_, doc) => {
  it("iovec and ciovec are a pointer and a length, 8/4", () => {
    for (const name of ["iovec", "ciovec"]) {
      expect(shape(doc, name)).toEqual({ size: 8, align: 4, offsets: { buf: 0, buf_len: 4 } });
    }
  });

  it("fdstat is 24/8 with the rights at 8 and 16", () => {
    expect(shape(doc, "fdstat")).toEqual({
      size: 24,
      align: 8,
      offsets: { fs_filetype: 0, fs_flags: 2, fs_rights_base: 8, fs_rights_inheriting: 16 },
    });
  });

  it("dirent is 24/8", () => {
    expect(shape(doc, "dirent")).toEqual({
      size: 24,
      align: 8,
      offsets: { d_next: 0, d_ino: 8, d_namlen: 16, d_type: 20 },
    });
  });

  it("prestat is a u8 tag with its payload at 4, 8/4; prestat_dir is 4/4", () => {
    expect(shape(doc, "prestat")).toEqual({ size: 8, align: 4 });
    expect(variantLayout(named(doc, "prestat"))).toMatchObject({ tagSize: 1, payloadOffset: 4 });
    expect(shape(doc, "prestat_dir")).toEqual({ size: 4, align: 4, offsets: { pr_name_len: 0 } });
  });

  it("event is 32/8 and event_fd_readwrite 16/8", () => {
    expect(shape(doc, "event")).toEqual({
      size: 32,
      align: 8,
      offsets: { userdata: 0, error: 8, type: 10, fd_readwrite: 16 },
    });
    expect(shape(doc, "event_fd_readwrite")).toEqual({ size: 16, align: 8, offsets: { nbytes: 0, flags: 8 } });
  });

  it("subscription_fd_readwrite is one fd, 4/4", () => {
    expect(shape(doc, "subscription_fd_readwrite")).toEqual({ size: 4, align: 4, offsets: { file_descriptor: 0 } });
  });

  it("enums, flags and handles take the size of their representation", () => {
    expect(layoutOf(named(doc, "errno"))).toEqual({ size: 2, align: 2 });
    expect(layoutOf(named(doc, "rights"))).toEqual({ size: 8, align: 8 });
    expect(layoutOf(named(doc, "whence"))).toEqual({ size: 1, align: 1 });
    expect(layoutOf(named(doc, "fd"))).toEqual({ size: 4, align: 4 });
  });
});

describe("preview1 layouts", () => {
  it("filestat is 64/8 with a 64-bit nlink", () => {
    expect(shape(preview1, "filestat")).toEqual({
      size: 64,
      align: 8,
      offsets: { dev: 0, ino: 8, filetype: 16, nlink: 24, size: 32, atim: 40, mtim: 48, ctim: 56 },
    });
  });

  it("subscription_clock is 32/8", () => {
    expect(shape(preview1, "subscription_clock")).toEqual({
      size: 32,
      align: 8,
      offsets: { id: 0, timeout: 8, precision: 16, flags: 24 },
    });
  });

  it("subscription_u is 40/8 with its payload at 8, and subscription 48/8", () => {
    expect(shape(preview1, "subscription_u")).toEqual({ size: 40, align: 8 });
    expect(variantLayout(named(preview1, "subscription_u"))).toMatchObject({ tagSize: 1, payloadOffset: 8, payloadSize: 32 });
    expect(shape(preview1, "subscription")).toEqual({ size: 48, align: 8, offsets: { userdata: 0, u: 8 } });
  });
});

describe("preview0 layouts", () => {
  it("filestat is 56/8: its u32 nlink packs after filetype at 20", () => {
    expect(shape(preview0, "filestat")).toEqual({
      size: 56,
      align: 8,
      offsets: { dev: 0, ino: 8, filetype: 16, nlink: 20, size: 24, atim: 32, mtim: 40, ctim: 48 },
    });
  });

  it("subscription_clock is 40/8, led by its identifier", () => {
    expect(shape(preview0, "subscription_clock")).toEqual({
      size: 40,
      align: 8,
      offsets: { identifier: 0, id: 8, timeout: 16, precision: 24, flags: 32 },
    });
  });

  it("subscription_u is 48/8 and subscription 56/8", () => {
    expect(shape(preview0, "subscription_u")).toEqual({ size: 48, align: 8 });
    expect(variantLayout(named(preview0, "subscription_u"))).toMatchObject({ payloadOffset: 8, payloadSize: 40 });
    expect(shape(preview0, "subscription")).toEqual({ size: 56, align: 8, offsets: { userdata: 0, u: 8 } });
  });
});

describe("preview0 and preview1 differ in the model", () => {
  const cases = (doc: Document, name: string) => {
    const type = named(doc, name).type;
    if (type.kind !== "enum") throw new Error(`$${name} is not an enum`);
    return Object.fromEntries(type.cases.map((c, value) => [c.name, value]));
  };

  it("in the values of whence", () => {
    expect(cases(preview0, "whence")).toEqual({ cur: 0, end: 1, set: 2 });
    expect(cases(preview1, "whence")).toEqual({ set: 0, cur: 1, end: 2 });
  });

  it("in the width of filestat.nlink", () => {
    expect(named(preview0, "linkcount").type).toEqual({ kind: "builtin", name: "u32" });
    expect(named(preview1, "linkcount").type).toEqual({ kind: "builtin", name: "u64" });
  });

  it("in the clock subscription's identifier field", () => {
    const fields = (doc: Document) => recordLayout(named(doc, "subscription_clock")).fields.map((f) => f.name);
    expect(fields(preview0)).toEqual(["identifier", "id", "timeout", "precision", "flags"]);
    expect(fields(preview1)).toEqual(["id", "timeout", "precision", "flags"]);
  });
});

describe("layout rules on small fixtures", () => {
  it("a string or list inside a record is a (pointer, length) pair, 8/4", () => {
    const doc = loadWitxFromSources(
      new Map([
        [
          "t.witx",
          `(typename $r (record (field $tag u8) (field $name string) (field $bytes (list u8)) (field $wide u64)))
         (module $m (import "memory" (memory)))`,
        ],
      ]),
      "t.witx",
    );
    const layout = recordLayout(named(doc, "r"));
    expect(layout.fields.map((f) => [f.name, f.offset, f.size, f.align])).toEqual([
      ["tag", 0, 1, 1],
      ["name", 4, 8, 4],
      ["bytes", 12, 8, 4],
      ["wide", 24, 8, 8],
    ]);
    expect({ size: layout.size, align: layout.align }).toEqual({ size: 32, align: 8 });
  });
});
