import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Atom, List, SExpr } from "../codegen/reader/ast.js";
import { WitxError } from "../codegen/reader/errors.js";
import { tokenize } from "../codegen/reader/lexer.js";
import { readSExprs } from "../codegen/reader/sexpr.js";

const FILE = "test.witx";

/** Compact text of a tree, with sigils back on, so a structure reads as one line. */
function show(e: SExpr): string {
  if (e.type === "list") return `(${e.items.map(show).join(" ")})`;
  switch (e.kind) {
    case "identifier":
      return `$${e.value}`;
    case "annotation":
      return `@${e.value}`;
    case "string":
      return JSON.stringify(e.value);
    default:
      return e.value;
  }
}

function read(text: string): SExpr[] {
  return readSExprs(text, FILE);
}

function list(e: SExpr | undefined): List {
  if (e?.type !== "list") throw new Error(`expected a list, got ${e === undefined ? "nothing" : show(e)}`);
  return e;
}

function atom(e: SExpr | undefined): Atom {
  if (e?.type !== "atom") throw new Error(`expected an atom, got ${e === undefined ? "nothing" : show(e)}`);
  return e;
}

function readError(text: string): WitxError {
  try {
    read(text);
  } catch (e) {
    if (e instanceof WitxError) return e;
    throw e;
  }
  throw new Error(`expected a WitxError for ${JSON.stringify(text)}`);
}

function expectError(text: string, line: number, column: number, fragment: string): void {
  const error = readError(text);
  expect(error.loc).toEqual({ file: FILE, line, column });
  expect(error.message).toContain(fragment);
  expect(error.message.startsWith(`${FILE}:${line}:${column}: `)).toBe(true);
}

describe("reader rejects malformed text at the exact place", () => {
  it("reports an unterminated string at its opening quote", () => {
    expectError('(export "abc', 1, 9, "unterminated string");
    expectError('(a "abc\\', 1, 4, "unterminated string");
  });

  it("reports a string that runs into a line break at its opening quote", () => {
    expectError('(a\n  "one\ntwo")', 2, 3, "before the end of the line");
  });

  it("reports an unknown escape at its backslash", () => {
    expectError('(a "ok\\qno")', 1, 7, "unknown escape `\\q`");
  });

  it("reports invalid UTF-8 from byte escapes at the escape that starts the bad sequence", () => {
    expectError('"ok\\ff"', 1, 4, "invalid UTF-8");
    // A lead byte without its continuation byte.
    expectError('(x "ab\\c3")', 1, 7, "invalid UTF-8");
    // An overlong encoding of "/".
    expectError('"\\c0\\af"', 1, 2, "invalid UTF-8");
    // A UTF-16 surrogate spelled as UTF-8 bytes.
    expectError('"\\ed\\a0\\80"', 1, 2, "invalid UTF-8");
  });

  it("rejects \\u escapes that are not Unicode scalar values or lack braces", () => {
    expectError('"\\u{110000}"', 1, 2, "not a Unicode scalar value");
    expectError('"\\u{d800}"', 1, 2, "not a Unicode scalar value");
    expectError('"\\u41"', 1, 2, "expected `{` after \\u");
    expectError('"\\u{}"', 1, 2, "expected hex digits between the braces");
  });

  it("rejects a raw control character inside a string", () => {
    expectError('"a\tb"', 1, 3, "control character U+0009");
  });

  it("reports a `)` with nothing open", () => {
    expectError("(a)\n(b))", 2, 4, "unexpected `)`");
  });

  it("reports a missing `)` at the innermost `(` still open at end of file", () => {
    expectError("(module $m\n  (func $f)\n", 1, 1, "missing `)`");
    expectError("(a\n  (b\n    (c)\n", 2, 3, "missing `)`");
  });

  it("reports an unterminated block comment at the `(;` left open", () => {
    expectError("x (; outer (; inner ;) still open\n", 1, 3, "unterminated block comment");
  });

  it("rejects an empty identifier", () => {
    expectError("(param $ u32)", 1, 8, "empty identifier");
  });

  it("rejects malformed numbers", () => {
    expectError("(x 12abc)", 1, 4, "malformed number `12abc`");
    expectError("0x", 1, 1, "malformed number `0x`");
    expectError("  1__0", 1, 3, "malformed number `1__0`");
    expectError("(x -1.5)", 1, 4, "malformed number `-1.5`");
  });

  it("rejects characters the wat text format does not allow outside strings", () => {
    expectError("(a, b)", 1, 3, "character `,` (U+002C) is not allowed");
    expectError("(a\n {b})", 2, 2, "character `{` (U+007B)");
    expectError("(a é)", 1, 4, "U+00E9");
    // An invisible character is named by code point only.
    expectError("(a\u00a0b)", 1, 3, "character U+00A0 is not allowed");
  });

  it("rejects an annotation head with no name", () => {
    expectError("(@ witx)", 1, 2, "annotation head `@` needs a name");
  });

  it("rejects an annotation that does not directly follow `(`", () => {
    expectError("( @witx tag)", 1, 3, "annotation `@witx` must directly follow `(`");
    expectError("(enum @witx)", 1, 7, "must directly follow `(`");
    expectError("(;c;)@witx", 1, 6, "must directly follow `(`");
  });

  it("rejects a lone `;` and a stray `;)`", () => {
    expectError("(a ; b)", 1, 4, "a lone `;` is not allowed");
    expectError("(a b ;)", 1, 6, "`;)` closes no block comment");
  });

  it("rejects tokens that touch a string without a separator", () => {
    expectError('("a""b")', 1, 5, "expected whitespace or a parenthesis after a string");
    expectError('($x"y")', 1, 4, "after `$x`");
    expectError('("y"$x)', 1, 5, "after a string");
  });

  it("counts columns in code points and lines across CRLF and CR", () => {
    // é is one code point, 😀 is one code point but two UTF-16 units.
    expectError('("é😀" ,)', 1, 7, "`,`");
    expectError("(a)\r\n(b)\r\n  ,", 3, 3, "`,`");
    expectError("(a)\r(b)\r  ,", 3, 3, "`,`");
  });
});

describe("reader builds located S-expressions", () => {
  it("reads nested lists with the location of each opening parenthesis and atom", () => {
    const forms = read("(typename $t\n  (record (field $a u8)))\n(b)");
    expect(forms.map(show)).toEqual(["(typename $t (record (field $a u8)))", "(b)"]);
    const record = list(list(forms[0]).items[2]);
    expect(record.loc).toEqual({ file: FILE, line: 2, column: 3 });
    const field = list(record.items[1]);
    expect(field.loc).toMatchObject({ line: 2, column: 11 });
    expect(atom(field.items[1]).loc).toMatchObject({ line: 2, column: 18 });
    expect(list(forms[1]).loc).toMatchObject({ line: 3, column: 1 });
  });

  it("reads empty input and an empty list", () => {
    expect(read("")).toEqual([]);
    expect(read("  ;; only a comment\n")).toEqual([]);
    expect(read("()").map(show)).toEqual(["()"]);
  });

  it("tells atom kinds apart and strips their sigils", () => {
    const items = list(read('(@witx $id "text" 42 u32)')[0]).items.map(atom);
    expect(items.map((a) => [a.kind, a.value])).toEqual([
      ["annotation", "witx"],
      ["identifier", "id"],
      ["string", "text"],
      ["number", "42"],
      ["keyword", "u32"],
    ]);
  });

  it("reads annotations at the head of a list, nested in others", () => {
    const [form] = read("(field $argv (@witx pointer (@witx const_pointer u8)))");
    expect(show(form)).toBe("(field $argv (@witx pointer (@witx const_pointer u8)))");
    const outer = list(list(form).items[2]);
    expect(atom(outer.items[0])).toMatchObject({ kind: "annotation", value: "witx", loc: { column: 15 } });
    expect(show(read('(@interface func (export "f"))')[0])).toBe('(@interface func (export "f"))');
  });

  it("accepts identifiers that start with digits and use any wat idchar", () => {
    const ids = list(read("(enum $2big $a-b.c:d'e $x/y? $@at $$)")[0]).items.slice(1).map(atom);
    expect(ids.map((a) => [a.kind, a.value])).toEqual([
      ["identifier", "2big"],
      ["identifier", "a-b.c:d'e"],
      ["identifier", "x/y?"],
      ["identifier", "@at"],
      ["identifier", "$"],
    ]);
  });

  it("reads keywords including punctuation-only runs such as `*`", () => {
    const items = list(read("(use * from $m in-buffer u8 -)")[0]).items.map(atom);
    expect(items.filter((a) => a.kind === "keyword").map((a) => a.value)).toEqual(["use", "*", "from", "in-buffer", "u8", "-"]);
  });

  it("gives numbers as canonical decimal text", () => {
    const values = list(read("(n 0 -1 +7 0xFF 0x1f 1_000 -0x10 0xffff_ffff_ffff_ffff 007)")[0]).items.slice(1).map(atom);
    expect(values.every((a) => a.kind === "number")).toBe(true);
    expect(values.map((a) => a.value)).toEqual(["0", "-1", "7", "255", "31", "1000", "-16", "18446744073709551615", "7"]);
  });

  it("decodes string escapes into a JS string", () => {
    const strings = list(read('(s "a\\nb\\tc" "q\\"\\\'\\\\" "\\u{1F600}\\u{e9}" "\\e2\\82\\ac\\41" "raw é😀" "\\r" "\\u{4_1}")')[0])
      .items.slice(1)
      .map(atom);
    expect(strings.map((a) => a.value)).toEqual(["a\nb\tc", "q\"'\\", "😀é", "€A", "raw é😀", "\r", "A"]);
  });

  it("skips line comments, nested block comments and a leading byte order mark", () => {
    const forms = read("\uFEFF;; header\n(a (; skip (; nested ;) still skipped ;) b) ;; trailing\n(;x;)(c)");
    expect(forms.map(show)).toEqual(["(a b)", "(c)"]);
    expect(list(forms[0]).loc).toMatchObject({ line: 2, column: 1 });
  });

  it("does not mistake an atom ending in a digit for one that needs a separator", () => {
    expect(read("(a)(b)$c(d)").map(show)).toEqual(["(a)", "(b)", "$c", "(d)"]);
  });
});

describe("reader attaches ;;; doc comments", () => {
  it("joins a run of doc lines onto the next list, stripping `;;;` and one space", () => {
    const [form] = read(";;; First line.\n;;;   indented stays indented\n;;;\n;;;no space\n(typename $t u8)");
    expect(list(form).doc).toBe("First line.\n  indented stays indented\n\nno space");
    expect(atom(list(form).items[0]).doc).toBe("");
  });

  it("attaches doc lines to the next atom inside a list", () => {
    const [form] = read("(enum\n  ;;; the first\n  $a\n  ;;; the second\n  ;;; has two lines\n  $b\n  $c)");
    const [, a, b, c] = list(form).items.map(atom);
    expect([a.doc, b.doc, c.doc]).toEqual(["the first", "the second\nhas two lines", ""]);
  });

  it("keeps a run going across a plain `;;` line, which adds no line of its own", () => {
    const [form] = read("(flags\n  ;;; The right to do x.\n  ;;\n  ;;; If y is set, also z.\n  $x)");
    expect(atom(list(form).items[1]).doc).toBe("The right to do x.\nIf y is set, also z.");
  });

  it("keeps a run going across blank lines and block comments", () => {
    const [form] = read(";;; one\n\n(; aside ;)\n;;; two\n\n(a)");
    expect(list(form).doc).toBe("one\ntwo");
  });

  it("does not carry doc lines after a list's last item across its `)`", () => {
    const forms = read("(a\n  $x\n  ;;; dangling\n)\n(b)\n;;; at the end of the file");
    expect(forms.map((f) => f.doc)).toEqual(["", ""]);
    expect(atom(list(forms[0]).items[1]).doc).toBe("");
  });

  it("attaches a doc comment at the end of a code line to the next item", () => {
    const [form] = read("(a $x ;;; about y\n  $y)");
    expect(list(form).items.map((e) => e.doc)).toEqual(["", "", "about y"]);
  });

  it("gives a doc to the list, not to its first atom, when it precedes `(`", () => {
    const [form] = read(";;; outer\n(\n  ;;; inner\n  head)");
    expect(list(form).doc).toBe("outer");
    expect(atom(list(form).items[0]).doc).toBe("inner");
  });

  it("produces doc tokens from the lexer and drops plain comments", () => {
    const tokens = tokenize(";; plain\n;;; doc  \n(; block ;)\n;;;; four", FILE);
    expect(tokens.map((t) => [t.kind, t.value, t.loc.line, t.loc.column])).toEqual([
      ["doc", "doc", 2, 1],
      ["doc", "; four", 4, 1],
    ]);
  });
});

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const upstreamDir = join(repoRoot, "..", "shared", "witx-upstream");
const haveUpstream = existsSync(upstreamDir);

function readUpstream(relative: string): SExpr[] {
  const path = join(upstreamDir, relative);
  return readSExprs(readFileSync(path, "utf8"), path);
}

/** The lists directly inside `form` whose head atom has this value. */
function childrenHeaded(form: SExpr, head: string): List[] {
  return list(form).items.filter((e): e is List => e.type === "list" && e.items[0]?.type === "atom" && e.items[0].value === head);
}

function typename(forms: SExpr[], name: string): List {
  const found = forms.find((f) => f.type === "list" && f.items[1]?.type === "atom" && f.items[1].value === name);
  return list(found);
}

// The reason is in the title so a skipped run says why in the test report.
const upstreamTitle = haveUpstream
  ? "reader on the upstream witx files"
  : `reader on the upstream witx files (skipped: ${upstreamDir} is absent; it exists only beside a development checkout)`;

describe.skipIf(!haveUpstream)(upstreamTitle, () => {
  it("reads every upstream witx file without error", () => {
    const files = ["preview0", "preview1"].flatMap((dir) =>
      readdirSync(join(upstreamDir, dir))
        .filter((f) => f.endsWith(".witx"))
        .map((f) => join(dir, f)),
    );
    expect(files).toHaveLength(4);
    for (const file of files) expect(readUpstream(file).length).toBeGreaterThan(0);
  });

  it("reads (typename $size u32) as the first form of preview1/typenames.witx", () => {
    const forms = readUpstream("preview1/typenames.witx");
    expect(show(forms[0])).toBe("(typename $size u32)");
    expect(forms[0].loc).toMatchObject({ line: 8, column: 1 });
    expect(forms.every((f) => show(list(f).items[0]) === "typename")).toBe(true);
  });

  it("documents every preview1 typename except the three the file leaves bare", () => {
    const forms = readUpstream("preview1/typenames.witx").map(list);
    const bare = forms.filter((f) => f.doc === "").map((f) => show(f.items[1]));
    expect(bare).toEqual(["$size", "$iovec_array", "$ciovec_array"]);
  });

  it("reads the errno enum with its tag annotation and the $2big member", () => {
    const errno = typename(readUpstream("preview1/typenames.witx"), "errno");
    const enumForm = list(errno.items[2]);
    expect(show(enumForm.items[1])).toBe("(@witx tag u16)");
    const members = enumForm.items.slice(2).map(atom);
    expect(members[0].value).toBe("success");
    expect(members[1]).toMatchObject({ kind: "identifier", value: "2big" });
    expect(members.every((m) => m.doc !== "")).toBe(true);
  });

  it("locates the clockid tag annotation at its line and column", () => {
    const clockid = typename(readUpstream("preview1/typenames.witx"), "clockid");
    const tag = list(list(clockid.items[2]).items[1]);
    expect(tag.loc).toMatchObject({ line: 18, column: 9 });
    expect(atom(tag.items[0]).loc).toMatchObject({ line: 18, column: 10 });
  });

  it("joins the rights doc runs that upstream breaks with a plain `;;` line", () => {
    const rights = typename(readUpstream("preview1/typenames.witx"), "rights");
    const datasync = list(rights.items[2])
      .items.slice(2)
      .map(atom)
      .find((a) => a.value === "fd_datasync");
    const lines = datasync?.doc.split("\n") ?? [];
    // Upstream writes `;;;`, `;;`, `;;;`, `;;;`: three doc lines, no empty one for the `;;`.
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l !== "")).toBe(true);
    expect(lines[0]).toContain("`fd_datasync`");
  });

  it("reads 46 functions in the preview1 module and 45 in preview0", () => {
    for (const [file, moduleName, count] of [
      ["preview1/wasi_snapshot_preview1.witx", "wasi_snapshot_preview1", 46],
      ["preview0/wasi_unstable.witx", "wasi_unstable", 45],
    ] as const) {
      const forms = readUpstream(file);
      expect(forms.map((f) => show(list(f).items[0]))).toEqual(["use", "module"]);
      expect(show(forms[0])).toBe('(use "typenames.witx")');
      const module = list(forms[1]);
      expect(atom(module.items[1]).value).toBe(moduleName);
      const funcs = childrenHeaded(module, "interface");
      expect(funcs).toHaveLength(count);
      expect(funcs.every((f) => f.doc !== "")).toBe(true);
    }
  });

  it("reads args_get with nested pointer annotations and proc_exit with noreturn", () => {
    const module = readUpstream("preview1/wasi_snapshot_preview1.witx")[1];
    const funcs = childrenHeaded(module, "interface");
    const byName = new Map(funcs.map((f) => [atom(list(f.items[2]).items[1]).value, f]));
    const argsGet = byName.get("args_get")!;
    expect(show(argsGet.items[3])).toBe("(param $argv (@witx pointer (@witx pointer u8)))");
    // Bare `;;;` lines are paragraph breaks: they give empty doc lines.
    expect(argsGet.doc.split("\n")).toContain("");
    const procExit = byName.get("proc_exit")!;
    expect(procExit.items.map(show)).toContain("(@witx noreturn)");
    const param = list(procExit.items[3]);
    expect(show(param)).toBe("(param $rval $exitcode)");
    expect(param.doc).not.toBe("");
  });
});
