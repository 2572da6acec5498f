/**
 * The lowered core signature of every WASI function must be the one wasi-libc
 * imports it with. The expected signatures come from the import sections of
 * modules clang built against wasi-libc: see test/fixtures/regenerate-wasi-libc-imports.ts.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { coreSignature, lowerFunction } from "../codegen/abi/lowering.js";
import { loadWitx, loadWitxFromSources } from "../codegen/model/load.js";
import type { Document, Func } from "../codegen/model/types.js";
import type { CoreType } from "../codegen/abi/lowering-types.js";

interface ImportFixture {
  readonly module: string;
  readonly imports: Record<string, { params: CoreType[]; results: CoreType[] }>;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const fixture = (file: string): ImportFixture => JSON.parse(readFileSync(here(`fixtures/${file}`), "utf8"));

function onlyModule(doc: Document) {
  expect(doc.modules).toHaveLength(1);
  return doc.modules[0];
}

describe.each([
  { preview: "preview1", entry: "preview1/wasi_snapshot_preview1.witx", file: "wasi-libc-imports.preview1.json", count: 46 },
  { preview: "preview0", entry: "preview0/wasi_unstable.witx", file: "wasi-libc-imports.preview0.json", count: 45 },
])("$preview lowering matches wasi-libc's imports", ({ entry, file, count }) => {
  const module = onlyModule(loadWitx(here(`../witx/${entry}`)));
  const expected = fixture(file);

  it(`has the module and the ${count} functions wasi-libc imports`, () => {
    expect(module.name).toBe(expected.module);
    expect(module.functions.map((f) => f.name).sort()).toEqual(Object.keys(expected.imports).sort());
    expect(module.functions).toHaveLength(count);
  });

  it.each(module.functions.map((func) => [func.name, func] as const))("%s", (name, func) => {
    expect(coreSignature(lowerFunction(func))).toEqual(expected.imports[name]);
  });
});

describe("lowering steps", () => {
  const module = onlyModule(loadWitx(here("../witx/preview1/wasi_snapshot_preview1.witx")));
  const func = (name: string): Func => {
    const found = module.functions.find((f) => f.name === name);
    if (found === undefined) throw new Error(`no function ${name}`);
    return found;
  };
  const steps = (name: string) =>
    lowerFunction(func(name)).params.map((p) => [p.role, p.role === "sequence" ? p.part : "", p.name, p.core]);

  it("splits a string into a pointer and a length named <p> and <p>_len", () => {
    expect(steps("path_open")).toEqual([
      ["value", "", "fd", "i32"],
      ["value", "", "dirflags", "i32"],
      ["sequence", "ptr", "path", "i32"],
      ["sequence", "len", "path_len", "i32"],
      ["value", "", "oflags", "i32"],
      ["value", "", "fs_rights_base", "i64"],
      ["value", "", "fs_rights_inheriting", "i64"],
      ["value", "", "fdflags", "i32"],
      ["out", "", "retptr0", "i32"],
    ]);
  });

  it("splits a list the same way and passes pointers as pointers", () => {
    expect(steps("fd_write")).toEqual([
      ["value", "", "fd", "i32"],
      ["sequence", "ptr", "iovs", "i32"],
      ["sequence", "len", "iovs_len", "i32"],
      ["out", "", "retptr0", "i32"],
    ]);
    expect(steps("poll_oneoff").slice(0, 2)).toEqual([
      ["pointer", "", "in", "i32"],
      ["pointer", "", "out", "i32"],
    ]);
  });

  it("gives each tuple element its own out-pointer, in order", () => {
    const lowered = lowerFunction(func("sock_recv"));
    const outs = lowered.params.filter((p) => p.role === "out");
    expect(outs.map((p) => [p.name, p.role === "out" && p.index])).toEqual([
      ["retptr0", 0],
      ["retptr1", 1],
    ]);
    expect(lowered.okTypes.map((t) => (t.kind === "named" ? t.name : t.kind))).toEqual(["size", "roflags"]);
    expect(lowered.errorType?.kind === "named" && lowered.errorType.name).toBe("errno");
  });

  it("returns nothing from a noreturn function and the errno otherwise", () => {
    expect(lowerFunction(func("proc_exit")).results).toEqual([]);
    expect(lowerFunction(func("proc_exit")).errorType).toBeNull();
    expect(lowerFunction(func("fd_close")).results).toEqual(["i32"]);
    expect(lowerFunction(func("fd_close")).okTypes).toEqual([]);
  });
});

describe("core types of scalars", () => {
  it("passes 64-bit values as i64, floats as themselves and the rest as i32", () => {
    const text = `
      (typename $errno (enum (@witx tag u16) $success))
      (typename $wide_enum (enum (@witx tag u64) $a))
      (typename $wide_flags (flags (@witx repr u64) $a))
      (typename $small_flags (flags (@witx repr u8) $a))
      (typename $h (handle))
      (module $m (import "memory" (memory))
        (@interface func (export "f")
          (param $a u8) (param $b s16) (param $c u32) (param $d s64) (param $e u64)
          (param $f f32) (param $g f64) (param $h char)
          (param $i $wide_enum) (param $j $wide_flags) (param $k $small_flags) (param $l $h)
          (result $error (expected (error $errno)))))`;
    const doc = loadWitxFromSources(new Map([["t.witx", text]]), "t.witx");
    expect(coreSignature(lowerFunction(onlyModule(doc).functions[0]))).toEqual({
      params: ["i32", "i32", "i32", "i64", "i64", "f32", "f64", "i32", "i64", "i64", "i32", "i32"],
      results: ["i32"],
    });
  });
});
