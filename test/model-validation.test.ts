import { describe, expect, it } from "vitest";
import { WitxError } from "../codegen/reader/errors.js";
import { loadWitxFromSources } from "../codegen/model/load.js";
import type { Document } from "../codegen/model/types.js";

const ENTRY = "main.witx";

/** The smallest module validation accepts, appended to fixtures that are about types. */
const ERRNO = "(typename $errno (enum (@witx tag u16) $success $badf))";
const MODULE = `(module $m (import "memory" (memory)) (@interface func (export "f") (result $error (expected (error $errno)))))`;

function load(text: string, more: Record<string, string> = {}): Document {
  return loadWitxFromSources(new Map(Object.entries({ [ENTRY]: text, ...more })), ENTRY);
}

/** The WitxError that loading `text` fails with. */
function rejection(text: string): WitxError {
  try {
    load(text);
  } catch (error) {
    if (error instanceof WitxError) return error;
    throw error;
  }
  throw new Error("the fixture loaded without an error");
}

/** Line and column (1-based) of the `occurrence`-th `marker` in `text`: where the error must point. */
function at(text: string, marker: string, occurrence = 1): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(marker, index + 1);
    if (index < 0) throw new Error(`marker ${marker} #${occurrence} is not in the fixture`);
  }
  const before = text.slice(0, index).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function expectRejection(text: string, marker: string, message: RegExp, occurrence = 1): void {
  const error = rejection(text);
  expect({ file: error.loc.file, line: error.loc.line, column: error.loc.column }).toEqual({
    file: ENTRY,
    ...at(text, marker, occurrence),
  });
  expect(error.message).toMatch(message);
}

/** A fixture of typenames before the minimal module. */
function types(...lines: string[]): string {
  return [...lines, ERRNO, MODULE].join("\n");
}

describe("a valid document", () => {
  it("resolves a type name used before its typename", () => {
    const doc = load(types("(typename $outer (record (field $inner $inner)))", "(typename $inner u32)"));
    const outer = doc.typesByName.get("outer")!.type;
    expect(outer.kind === "record" && outer.fields[0].type.kind === "named" && outer.fields[0].type.target).toBe(
      doc.typesByName.get("inner"),
    );
  });

  it("puts the types of a used file first and reads each file once", () => {
    const files = new Map(
      Object.entries({
        "dir/main.witx": `(use "common.witx") (use "sub/extra.witx") (typename $mine u8) ${MODULE}`,
        "dir/common.witx": ERRNO,
        "dir/sub/extra.witx": `(use "../common.witx") (typename $extra u16)`,
      }),
    );
    const reads: string[] = [];
    const counting = new Map(files);
    counting.get = (path: string) => {
      reads.push(path);
      return files.get(path);
    };
    const doc = loadWitxFromSources(counting, "dir/main.witx");
    expect(doc.types.map((t) => t.name)).toEqual(["errno", "extra", "mine"]);
    expect(doc.sources.map((s) => s.path)).toEqual(["dir/common.witx", "dir/sub/extra.witx", "dir/main.witx"]);
    expect(reads.sort()).toEqual(["dir/common.witx", "dir/main.witx", "dir/sub/extra.witx"]);
  });

  it("names union cases after the tag enum's cases, in order", () => {
    const doc = load(types("(typename $kind (enum (@witx tag u8) $a $b))", "(typename $u (union (@witx tag $kind) u32 u64))"));
    const u = doc.typesByName.get("u")!.type;
    expect(u.kind === "variant" && u.cases.map((c) => c.name)).toEqual(["a", "b"]);
    expect(u.kind === "variant" && u.tag).toBe("u8");
  });

  it("accepts an enum that exactly fills its tag", () => {
    const cases = Array.from({ length: 256 }, (_, i) => `$c${i}`).join(" ");
    expect(() => load(types(`(typename $full (enum (@witx tag u8) ${cases}))`))).not.toThrow();
  });
});

describe("the model rejects", () => {
  it("an unknown type name, at the name", () => {
    const text = types("(typename $a (record (field $x $nope)))");
    expectRejection(text, "$nope", /unknown type \$nope: expected the name of a typename/);
  });

  it("an unknown builtin, at the keyword", () => {
    expectRejection(types("(typename $a u128)"), "u128", /unknown type u128: expected a type: a builtin/);
  });

  it("a duplicate typename, at the second definition", () => {
    const text = types("(typename $a u8)", "(typename $a u16)");
    expectRejection(text, "(typename $a", /duplicate typename \$a: expected a unique name \(the first is at main\.witx:1:1\)/, 2);
  });

  it("a typename that only renames another", () => {
    const text = types("(typename $a u8)", "(typename $b $a)");
    expectRejection(text, "$a)", /typename \$b only renames \$a: expected a type written out/);
  });

  it("a duplicate enum case, at the second case", () => {
    expectRejection(types("(typename $e (enum (@witx tag u8) $x $y $x))"), "$x", /duplicate enum case \$x/, 2);
  });

  it("a duplicate flag, at the second flag", () => {
    expectRejection(types("(typename $f (flags (@witx repr u8) $r $w $r))"), "$r", /duplicate flag \$r/, 2);
  });

  it("a duplicate record field, at the second field", () => {
    const text = types("(typename $r (record (field $a u8) (field $a u16)))");
    expectRejection(text, "(field $a", /duplicate field \$a/, 2);
  });

  it("a duplicate variant case, at the second case", () => {
    const text = types("(typename $v (variant (@witx tag u8) (case $a u8) (case $a)))");
    expectRejection(text, "(case $a", /duplicate variant case \$a/, 2);
  });

  it("a duplicate parameter name, at the second parameter", () => {
    const text = [
      ERRNO,
      `(module $m (import "memory" (memory))`,
      `  (@interface func (export "f") (param $p u32) (param $p u64) (result $error (expected (error $errno)))))`,
    ].join("\n");
    expectRejection(text, "(param $p", /duplicate parameter or result of f \$p/, 2);
  });

  it("a duplicate function name, at the second function", () => {
    const func = `(@interface func (export "f") (result $error (expected (error $errno))))`;
    const text = [ERRNO, `(module $m (import "memory" (memory))`, `  ${func}`, `  ${func})`].join("\n");
    expectRejection(text, "(@interface", /duplicate function \$f/, 2);
  });

  it("a type that points at itself, naming the cycle", () => {
    const text = types("(typename $node (record (field $next (@witx pointer $node))))");
    expectRejection(text, "(typename $node", /recursive type: \$node -> \$node; expected types that do not contain themselves/);
  });

  it("a cycle through several names and a list, naming its path", () => {
    const text = types("(typename $a (record (field $b $b)))", "(typename $b (list $c))", "(typename $c (record (field $back $a)))");
    expectRejection(text, "(typename $a", /recursive type: \$a -> \$b -> \$c -> \$a/);
  });

  it("an enum with more cases than its tag holds, at the first case that does not fit", () => {
    const cases = Array.from({ length: 257 }, (_, i) => `$c${i}`).join(" ");
    const text = types(`(typename $big (enum (@witx tag u8) ${cases}))`);
    expectRejection(text, "$c256", /too many cases: an enum tagged u8 holds at most 256 cases.*expected a wider repr/);
  });

  it("flags with more bits than the repr, at the first flag that does not fit", () => {
    const flags = Array.from({ length: 9 }, (_, i) => `$f${i}`).join(" ");
    const text = types(`(typename $many (flags (@witx repr u8) ${flags}))`);
    expectRejection(text, "$f8", /too many flags: flags of repr u8 hold at most 8 flags/);
  });

  it("a union whose tag is not an enum, at the tag", () => {
    const text = types("(typename $r (record (field $x u8)))", "(typename $u (union (@witx tag $r) u8))");
    expectRejection(text, "$r)", /the tag of a union must be an enum, but \$r is a record/);
  });

  it("a union with fewer payload types than its enum has cases, at the union", () => {
    const text = types("(typename $k (enum (@witx tag u8) $a $b))", "(typename $u (union (@witx tag $k) u8))");
    expectRejection(text, "(union", /a union tagged by \$k needs 2 payload types, one per case \(\$a \$b\), found 1/);
  });

  it("an unknown annotation in a type", () => {
    expectRejection(types("(typename $a (@witx bogus u8))"), "(@witx", /unknown annotation \(@witx bogus \.\.\.\): expected a type/);
  });

  it("a missing tag annotation on an enum", () => {
    expectRejection(types("(typename $e (enum $a $b))"), "$a", /expected \(enum \(@witx tag u8\|u16\|u32\|u64\) \.\.\.\)/);
  });

  it("an unknown annotation in a module", () => {
    const text = [ERRNO, `(module $m (import "memory" (memory)) (@custom thing))`].join("\n");
    expectRejection(text, "(@custom", /unknown annotation \(@custom thing\): expected \(import "memory" \(memory\)\)/);
  });

  it("an unknown annotation in a function", () => {
    const text = [ERRNO, `(module $m (import "memory" (memory)) (@interface func (export "f") (@witx inline)))`].join("\n");
    expectRejection(text, "(@witx inline", /unknown annotation \(@witx inline\): expected \(param \$name T\)/);
  });

  it("an unknown top-level form", () => {
    const text = types("(const $x u8 1)");
    expectRejection(text, "(const", /unknown top-level form \(const \.\.\.\): expected \(use "file\.witx"\), \(typename/);
  });

  it("a missing used file, at the use", () => {
    expectRejection(`(use "absent.witx")\n${ERRNO}\n${MODULE}`, "(use", /cannot read absent\.witx/);
  });

  it("a module without a memory import", () => {
    const text = [ERRNO, `(module $m (@interface func (export "f") (result $error (expected (error $errno)))))`].join("\n");
    expectRejection(text, "(module", /module \$m imports 0 memories: expected exactly one \(import "memory" \(memory\)\)/);
  });

  it("a module with two memory imports", () => {
    const text = [ERRNO, `(module $m (import "memory" (memory)) (import "other" (memory)))`].join("\n");
    expectRejection(text, "(module", /module \$m imports 2 memories: expected exactly one/);
  });

  it("an import that is not a memory", () => {
    const text = [ERRNO, `(module $m (import "memory" (func)))`].join("\n");
    expectRejection(text, "(func", /expected \(import "memory" \(memory\)\): a module imports only its memory/);
  });
});

describe("the function ABI rejects", () => {
  /** A document with one function `f` made of `parts`, after `extra` typenames. */
  function func(parts: string, ...extra: string[]): string {
    return [ERRNO, ...extra, `(module $m (import "memory" (memory))`, `  (@interface func (export "f") ${parts}))`].join("\n");
  }

  it("a record passed by value", () => {
    const text = func("(param $r $rec) (result $error (expected (error $errno)))", "(typename $rec (record (field $x u8)))");
    expectRejection(text, "(param $r", /param \$r of f: a record cannot be passed by value; pass a \(@witx pointer T\)/);
  });

  it("a variant passed by value", () => {
    const text = func("(param $v (variant (@witx tag u8) (case $a))) (result $error (expected (error $errno)))");
    expectRejection(text, "(param $v", /param \$v of f: a variant cannot be passed by value/);
  });

  it("a result that is not an expected", () => {
    expectRejection(func("(result $r u32)"), "(result", /result \$r of f is a builtin: expected \(expected T \(error E\)\)/);
  });

  it("an expected without an error", () => {
    expectRejection(
      func("(result $r (expected u32))"),
      "(result",
      /result \$r of f: expected an \(error E\) whose E is an enum tagged u32 or narrower/,
    );
  });

  it("an error that is not an enum, at the error type", () => {
    expectRejection(func("(result $r (expected (error u32)))"), "u32)))", /result \$r of f: expected an \(error E\) whose E is an enum/);
  });

  it("an error enum too wide for the i32 result", () => {
    const text = func("(result $r (expected (error $wide)))", "(typename $wide (enum (@witx tag u64) $ok))");
    expectRejection(text, "$wide)))", /expected an \(error E\) whose E is an enum tagged u32 or narrower, returned as the i32 result/);
  });

  it("a success value that cannot be stored through an out-pointer", () => {
    const text = func("(result $r (expected string (error $errno)))");
    expectRejection(
      text,
      "string",
      /a string cannot be stored through an out-pointer; expected a scalar, enum, flags, handle, record, variant or pointer, or a tuple of those/,
    );
  });

  it("a tuple element that cannot be stored through an out-pointer", () => {
    const text = func("(result $r (expected (tuple u32 (list u8)) (error $errno)))");
    expectRejection(text, "(list u8)", /a list cannot be stored through an out-pointer/);
  });

  it("more than one result, at the second", () => {
    const text = func("(result $a (expected (error $errno))) (result $b (expected (error $errno)))");
    expectRejection(text, "(result $b", /f has 2 results: expected at most one/);
  });

  it("a noreturn function with a result", () => {
    const text = func("(param $code u32) (result $error (expected (error $errno))) (@witx noreturn)");
    expectRejection(text, "(result", /f is \(@witx noreturn\): expected no result, since it never returns/);
  });
});
