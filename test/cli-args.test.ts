import { describe, expect, it } from "vitest";
import { parseCliArgs, usageText, type RunCommand } from "../src/cli/args.js";

function run(argv: string[]): RunCommand {
  const result = parseCliArgs(argv);
  if (result.kind !== "run") throw new Error(`expected a run command, got ${JSON.stringify(result)}`);
  return result;
}

function usageMessage(argv: string[]): string {
  const result = parseCliArgs(argv);
  if (result.kind !== "usage-error") throw new Error(`expected a usage error, got ${JSON.stringify(result)}`);
  expect(result.exitCode).toBe(2);
  expect(result.message).not.toContain("\n");
  expect(result.message.startsWith("witx-wasi: ")).toBe(true);
  return result.message;
}

describe("parseCliArgs: run", () => {
  it("takes just a program with every option at its default", () => {
    expect(parseCliArgs(["run", "prog.wasm"])).toEqual({
      kind: "run",
      wasmPath: "prog.wasm",
      dirs: [],
      env: [],
      inheritEnv: false,
      version: undefined,
      trace: false,
      guestArgs: [],
      deterministic: false,
      seed: undefined,
      memDirs: [],
      limits: [],
      invoke: undefined,
    });
  });

  it("passes everything after -- to the program, even things that look like options", () => {
    expect(run(["run", "prog.wasm", "--", "a", "--help", "-h", "--dir", "--", "b"]).guestArgs).toEqual([
      "a",
      "--help",
      "-h",
      "--dir",
      "--",
      "b",
    ]);
  });

  it("keeps an empty guest argument list after a bare --", () => {
    expect(run(["run", "prog.wasm", "--"]).guestArgs).toEqual([]);
  });

  it("maps --dir HOST to the same guest path", () => {
    expect(run(["run", "p.wasm", "--dir", "/data"]).dirs).toEqual([{ host: "/data", guest: "/data" }]);
  });

  it("maps --dir HOST::GUEST, splitting at the first ::", () => {
    expect(run(["run", "p.wasm", "--dir", "./out::/sandbox", "--dir=/a::/b::c"]).dirs).toEqual([
      { host: "./out", guest: "/sandbox" },
      { host: "/a", guest: "/b::c" },
    ]);
  });

  it("keeps repeated --dir and --env in command-line order", () => {
    const command = run(["run", "p.wasm", "--dir", "/z", "--env", "B=2", "--dir", "/a", "--env", "A=1", "--env", "B=3"]);
    expect(command.dirs.map((dir) => dir.host)).toEqual(["/z", "/a"]);
    expect(command.env).toEqual([
      ["B", "2"],
      ["A", "1"],
      ["B", "3"],
    ]);
  });

  it("splits --env at the first =, so values may contain = and be empty", () => {
    expect(run(["run", "p.wasm", "--env", "OPTS=a=b=c", "--env=EMPTY="]).env).toEqual([
      ["OPTS", "a=b=c"],
      ["EMPTY", ""],
    ]);
  });

  it("reads the flags --inherit-env and --trace", () => {
    expect(run(["run", "p.wasm", "--inherit-env", "--trace"])).toMatchObject({ inheritEnv: true, trace: true });
  });

  it("reads --version preview1 and --version=unstable; the last one wins", () => {
    expect(run(["run", "p.wasm", "--version", "preview1"]).version).toBe("preview1");
    expect(run(["run", "p.wasm", "--version", "preview1", "--version=unstable"]).version).toBe("unstable");
  });

  it("reads --timeout in seconds, fractions allowed", () => {
    expect(run(["run", "p.wasm", "--timeout", "2"]).timeout).toBe(2);
    expect(run(["run", "p.wasm", "--timeout=0.25"]).timeout).toBe(0.25);
  });

  it("accepts options before and after the program path", () => {
    const command = run(["run", "--trace", "p.wasm", "--dir", "/d", "--", "x"]);
    expect(command).toMatchObject({ wasmPath: "p.wasm", trace: true, dirs: [{ host: "/d", guest: "/d" }], guestArgs: ["x"] });
  });

  it("takes a lone - as a path, not an option", () => {
    expect(run(["run", "-"]).wasmPath).toBe("-");
  });
});

describe("parseCliArgs: help", () => {
  for (const argv of [["--help"], ["-h"], ["run", "--help"], ["run", "p.wasm", "-h"], ["run", "--bogus", "--help"]]) {
    it(`shows help for ${argv.join(" ")}`, () => {
      expect(parseCliArgs(argv)).toEqual({ kind: "help" });
    });
  }

  it("describes every option in the help text", () => {
    for (const option of ["--dir", "--env", "--inherit-env", "--version", "--trace", "--help", "-h", "--"]) {
      expect(usageText).toContain(option);
    }
  });
});

describe("parseCliArgs: usage errors (exit code 2, one line naming the option)", () => {
  const cases: [string[], RegExp][] = [
    [[], /missing command/],
    [["exec", "p.wasm"], /unknown command "exec"/],
    [["--trace", "run", "p.wasm"], /option --trace must come after "run"/],
    [["run"], /missing the \.wasm file/],
    [["run", "--trace"], /missing the \.wasm file/],
    [["run", "a.wasm", "b.wasm"], /unexpected argument "b\.wasm".*after --/],
    [["run", "p.wasm", "--frobnicate"], /unknown option --frobnicate/],
    [["run", "p.wasm", "-x"], /unknown option -x/],
    [["run", "p.wasm", "--dir"], /--dir needs a value/],
    [["run", "p.wasm", "--dir", "--trace"], /--dir needs a value/],
    [["run", "p.wasm", "--dir", "--", "x"], /--dir needs a value/],
    [["run", "p.wasm", "--dir", "::/guest"], /--dir "::\/guest" has an empty host path/],
    [["run", "p.wasm", "--dir=/host::"], /--dir "\/host::" has an empty guest path/],
    [["run", "p.wasm", "--dir="], /--dir "" has an empty host path/],
    [["run", "p.wasm", "--env"], /--env needs a value/],
    [["run", "p.wasm", "--env", "NOVALUE"], /--env "NOVALUE" must have the form NAME=VALUE/],
    [["run", "p.wasm", "--env", "=value"], /--env "=value" has an empty name/],
    [["run", "p.wasm", "--version"], /--version needs a value/],
    [["run", "p.wasm", "--version", "preview2"], /--version must be preview1 or unstable, not "preview2"/],
    [["run", "p.wasm", "--version=Preview1"], /--version must be preview1 or unstable, not "Preview1"/],
    [["run", "p.wasm", "--trace=yes"], /--trace takes no value/],
    [["run", "p.wasm", "--inherit-env=1"], /--inherit-env takes no value/],
    [["run", "p.wasm", "--timeout"], /--timeout needs a value/],
    [["run", "p.wasm", "--timeout", "0"], /--timeout must be a number of seconds greater than 0, not "0"/],
    [["run", "p.wasm", "--timeout=soon"], /--timeout must be a number of seconds greater than 0, not "soon"/],
  ];
  for (const [argv, expected] of cases) {
    it(`rejects: ${argv.length === 0 ? "(no arguments)" : argv.join(" ")}`, () => {
      expect(usageMessage(argv)).toMatch(expected);
    });
  }
});
