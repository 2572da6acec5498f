// scripts/c-comments.mjs, which takes the comments out of the addons' sources the package
// ships (scripts/pack-native.mjs): the program must stay token for token the same.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a build script in plain JavaScript, without declarations.
import { withoutCComments } from "../scripts/c-comments.mjs";

const strip = withoutCComments as (source: string) => string;

describe("withoutCComments", () => {
  it("keeps literals that hold comment markers, escapes included, and what surrounds a comment", () => {
    const source = [
      "/* a header",
      " * over lines */",
      "#include <sys/inotify.h>",
      'static const char *a = "/* not a comment */ // nor this";',
      "static const char b = '/', c = '\\'', d = '\"';",
      'static const char *e = "quote \\" then // still a string";',
      "int f(int /* unnamed */, int x) { return x/2; } // trailing",
      "#define G(x) \\",
      "  /* inside a macro */ (x)",
      "",
      "   ",
      "int h = 1;/**/int i = 2;",
    ].join("\n");
    expect(strip(source)).toBe(
      [
        "#include <sys/inotify.h>",
        'static const char *a = "/* not a comment */ // nor this";',
        "static const char b = '/', c = '\\'', d = '\"';",
        'static const char *e = "quote \\" then // still a string";',
        "int f(int  , int x) { return x/2; }",
        "#define G(x) \\",
        "    (x)",
        "int h = 1; int i = 2;",
        "",
      ].join("\n"),
    );
  });

  it("refuses an unterminated comment", () => {
    expect(() => strip("int a; /* open")).toThrow("unterminated");
  });

  // The compiler's own comment removal (gcc -fpreprocessed: no include or macro expanded) gives the
  // same tokens for a source and its stripped copy.
  const gcc = spawnSync("gcc", ["--version"]).status === 0;
  it.runIf(gcc)("leaves the addons' sources the same tokens for the compiler, without a comment", () => {
    const tokens = (source: string) =>
      spawnSync("gcc", ["-fpreprocessed", "-dD", "-E", "-P", "-x", "c++", "-"], { input: source, encoding: "utf8" })
        .stdout.split(/\s+/)
        .filter(Boolean);
    for (const file of ["native/beneath.c", "native/fast/fast-calls.cc"]) {
      const source = readFileSync(file, "utf8");
      const stripped = strip(source);
      expect(stripped).not.toMatch(/\/\*|\*\/|^\s*\/\//m);
      expect(tokens(stripped), file).toEqual(tokens(source));
      expect(tokens(source).length).toBeGreaterThan(1000);
    }
  });
});
