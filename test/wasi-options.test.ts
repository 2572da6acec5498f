import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { WASI } from "node:wasi";
import { parseWasiOptions } from "../src/wasi/wasi-options.js";
import { uvwasiInitError } from "../src/wasi/node-errors.js";
import { describeError, errorOf, outcomeOf } from "./support/error-outcome.js";
import { instantiateWat } from "./support/compile-wat.js";

const NodeWASI = WASI as unknown as new (options?: unknown) => WASI;

class Named {}
const symbol = Symbol("s");
const nullPrototype = Object.create(null) as object;
const anonymous = (
  () => () =>
    0
)();

// Bad values for one option, each probed with a valid version so that node:wasi
// reaches the option's own check.
const badValues: Record<string, [label: string, value: unknown][]> = {
  args: [
    ["null", null],
    ["a number", 3],
    ["a string", "abc"],
    ["a plain object", {}],
    ["a class instance", new Named()],
    ["a named function", function named() {}],
    ["a boolean", false],
  ],
  env: [
    ["null", null],
    ["a number", 1],
    ["a string", "A=1"],
    ["an array", ["A=1"]],
    ["an anonymous function", anonymous],
    ["a bigint", 10n],
  ],
  preopens: [
    ["null", null],
    ["a string", "/tmp"],
    ["an array", ["/tmp"]],
    ["a symbol", symbol],
  ],
  stdin: [
    ["null", null],
    ["a numeric string", "0"],
    ["a negative number", -1],
    ["a fraction", 1.5],
    ["a tiny fraction", 1e-7],
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["-Infinity", -Infinity],
    ["2 ** 31", 2 ** 31],
    ["2 ** 33", 2 ** 33],
    ["-(2 ** 33)", -(2 ** 33)],
    ["a bigint", 1n],
    ["true", true],
    ["a symbol", symbol],
    ["a null-prototype object", nullPrototype],
    ["a long string", "a".repeat(40)],
    ["a string with a quote", "it's"],
  ],
  stdout: [
    ["a string", "x"],
    ["a negative number", -5],
    ["a fraction", 0.5],
  ],
  stderr: [
    ["an object", {}],
    ["a huge number", 2 ** 40],
    ["a negative number", -2],
  ],
  returnOnExit: [
    ["null", null],
    ["a string", "yes"],
    ["a number", 1],
    ["an object", {}],
  ],
};

describe("parseWasiOptions rejects bad options exactly like node:wasi", () => {
  for (const [option, values] of Object.entries(badValues)) {
    for (const [label, value] of values) {
      it(`options.${option} as ${label}`, () => {
        const options = { version: "preview1", [option]: value };
        const nodeOutcome = outcomeOf(() => new NodeWASI(options));
        expect(nodeOutcome.threw).toBe(true);
        expect(outcomeOf(() => parseWasiOptions(options))).toEqual(nodeOutcome);
      });
    }
  }

  const badOptionsObjects: [string, unknown][] = [
    ["null", null],
    ["a number", 5],
    ["a string", "x"],
    ["an array", []],
    ["an anonymous function", anonymous],
    ["a class", Named],
  ];
  for (const [label, options] of badOptionsObjects) {
    it(`options as ${label}`, () => {
      const nodeOutcome = outcomeOf(() => new NodeWASI(options));
      expect(nodeOutcome.threw).toBe(true);
      expect(outcomeOf(() => parseWasiOptions(options))).toEqual(nodeOutcome);
    });
  }

  const badVersions: [string, unknown][] = [
    ["'foo'", "foo"],
    ["'preview2'", "preview2"],
    ["'Preview1' (case matters)", "Preview1"],
    ["an empty string", ""],
    ["a number", 1],
    ["null", null],
    ["an object", {}],
    ["a very long string", "v".repeat(200)],
  ];
  for (const [label, version] of badVersions) {
    it(`options.version as ${label}`, () => {
      const nodeOutcome = outcomeOf(() => new NodeWASI({ version }));
      expect(nodeOutcome.threw).toBe(true);
      expect(outcomeOf(() => parseWasiOptions({ version }))).toEqual(nodeOutcome);
    });
  }

  const orderProbes: [string, Record<string, unknown>][] = [
    ["version before args", { version: "foo", args: 1 }],
    ["args before env", { version: "preview1", args: 1, env: 1 }],
    ["env before preopens", { version: "preview1", env: 1, preopens: 1 }],
    ["preopens before stdin", { version: "preview1", preopens: 1, stdin: -1 }],
    ["stdin before stdout before stderr", { version: "preview1", stdin: "a", stdout: "b", stderr: "c" }],
    ["stderr before returnOnExit", { version: "preview1", stderr: -1, returnOnExit: "x" }],
  ];
  for (const [label, options] of orderProbes) {
    it(`reports the same first problem: ${label}`, () => {
      const nodeOutcome = outcomeOf(() => new NodeWASI(options));
      expect(nodeOutcome.threw).toBe(true);
      expect(outcomeOf(() => parseWasiOptions(options))).toEqual(nodeOutcome);
    });
  }

  it("throws the same plain TypeError for a symbol env value", () => {
    const options = { version: "preview1", env: { A: symbol } };
    const nodeOutcome = outcomeOf(() => new NodeWASI(options));
    expect(nodeOutcome.threw).toBe(true);
    expect(outcomeOf(() => parseWasiOptions(options))).toEqual(nodeOutcome);
  });

  it("names the option in the message", () => {
    expect(errorOf(() => parseWasiOptions({ version: "preview1", args: "x" })).message).toBe(
      "The \"options.args\" property must be an instance of Array. Received type string ('x')",
    );
  });
});

// Reads the strings node:wasi hands the guest, by calling its args/environ and
// prestat functions against a memory-only reactor.
function whatNodeGivesTheGuest(options: Record<string, unknown>): { args: string[]; env: string[]; preopens: string[] } {
  const instance = instantiateWat('(module (memory (export "memory") 1))');
  const wasi = new NodeWASI(options);
  wasi.initialize(instance);
  const calls = wasi.wasiImport as unknown as Record<string, (...args: number[]) => number>;
  const memory = instance.exports.memory as WebAssembly.Memory;
  const view = () => new DataView(memory.buffer);
  const cString = (at: number) => {
    const bytes = new Uint8Array(memory.buffer);
    let end = at;
    while (bytes[end] !== 0) end++;
    return Buffer.from(memory.buffer, at, end - at).toString("utf8");
  };
  const list = (sizes: string, get: string) => {
    expect(calls[sizes](0, 4)).toBe(0);
    const count = view().getUint32(0, true);
    // node:wasi answers args_get/environ_get with EINVAL when the list is empty.
    if (count === 0) return [];
    expect(calls[get](64, 1024)).toBe(0);
    return Array.from({ length: count }, (_, i) => cString(view().getUint32(64 + 4 * i, true)));
  };
  const preopens: string[] = [];
  for (let fd = 3; calls.fd_prestat_get(fd, 0) === 0; fd++) {
    const length = view().getUint32(4, true);
    expect(calls.fd_prestat_dir_name(fd, 2048, length)).toBe(0);
    preopens.push(Buffer.from(memory.buffer, 2048, length).toString("utf8"));
  }
  return { args: list("args_sizes_get", "args_get"), env: list("environ_sizes_get", "environ_get"), preopens };
}

describe("error stacks outside vitest", () => {
  // vitest installs its own Error.prepareStackTrace, which drops Node's
  // "Name [code]:" stack heading; a child Node process shows the real one.
  it("head the stack with the code, like Node's own errors", () => {
    const script = `
      const { WASI } = await import("node:wasi");
      const { parseWasiOptions } = await import(${JSON.stringify(new URL("../src/wasi/wasi-options.ts", import.meta.url).href)});
      const head = (action) => { try { action(); } catch (error) { return error.stack.split("\\n")[0]; } };
      const probes = [{ version: "preview1", stdin: -1 }, { version: "x" }, { version: "preview1", args: 1 }];
      console.log(JSON.stringify(probes.map((options) => [head(() => new WASI(options)), head(() => parseWasiOptions(options))])));
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--no-warnings", "--input-type=module", "-e", script], {
      cwd: new URL("..", import.meta.url),
      encoding: "utf8",
    });
    expect(child.stderr).toBe("");
    const pairs = JSON.parse(child.stdout) as [string, string][];
    expect(pairs).toHaveLength(3);
    for (const [node, ours] of pairs) {
      expect(node).toMatch(/^(Type|Range)Error \[ERR_[A-Z_]+\]: /);
      expect(ours).toBe(node);
    }
  });
});

describe("parseWasiOptions converts values to strings like node:wasi", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-options-"));
  const dirA = path.join(tmp, "a");
  const dirB = path.join(tmp, "b");
  fs.mkdirSync(dirA);
  fs.mkdirSync(dirB);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("converts args with String(), including symbols, null and objects", () => {
    const args = ["prog", 1, null, undefined, true, Symbol("q"), {}, [1, 2], 2n];
    const options = { version: "preview1", args };
    expect(parseWasiOptions(options).args).toEqual(whatNodeGivesTheGuest(options).args);
  });

  it("converts env values with a template literal and drops undefined ones, in entry order", () => {
    const env = { B: 1, A: null, C: undefined, 2: "two", 1: "one", D: {}, E: [1, 2], F: true, "G=H": "x" };
    const options = { version: "preview1", env };
    const ours = Object.entries(parseWasiOptions(options).env).map(([key, value]) => `${key}=${value}`);
    expect(ours).toEqual(whatNodeGivesTheGuest(options).env);
  });

  it("reads env from own enumerable properties only", () => {
    const env = Object.create({ INHERITED: "x" }) as Record<string, unknown>;
    env.OWN = "y";
    Object.defineProperty(env, "HIDDEN", { value: "z", enumerable: false });
    const options = { version: "preview1", env };
    const ours = Object.entries(parseWasiOptions(options).env).map(([key, value]) => `${key}=${value}`);
    expect(ours).toEqual(whatNodeGivesTheGuest(options).env);
    expect(ours).toEqual(["OWN=y"]);
  });

  it("keeps an env key named __proto__ as an ordinary key", () => {
    const env = JSON.parse('{"__proto__": "p", "X": "1"}') as object;
    const options = { version: "preview1", env };
    const parsed = parseWasiOptions(options).env;
    expect(Object.entries(parsed).map(([key, value]) => `${key}=${value}`)).toEqual(whatNodeGivesTheGuest(options).env);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it("keeps preopens in the order the object lists them", () => {
    const preopens = { "/zeta": dirA, "/alpha": dirB, "/mid": dirA };
    const options = { version: "preview1", preopens };
    const parsed = parseWasiOptions(options).preopens;
    expect(parsed.map(([guest]) => guest)).toEqual(whatNodeGivesTheGuest(options).preopens);
    expect(parsed).toEqual([
      ["/zeta", dirA],
      ["/alpha", dirB],
      ["/mid", dirA],
    ]);
  });

  it("converts preopen host paths with String()", () => {
    const host = { toString: () => dirA };
    const options = { version: "preview1", preopens: { "/x": host } };
    expect(parseWasiOptions(options).preopens).toEqual([["/x", dirA]]);
    expect(whatNodeGivesTheGuest(options).preopens).toEqual(["/x"]);
  });
});

describe("parseWasiOptions defaults", () => {
  it("uses stdio 0/1/2, no args, env or preopens when only version is given", () => {
    expect(parseWasiOptions({ version: "unstable" })).toEqual({
      args: [],
      env: {},
      preopens: [],
      returnOnExit: true,
      stdin: 0,
      stdout: 1,
      stderr: 2,
      version: "unstable",
      versionGiven: true,
    });
  });

  it("accepts the stdio fds node:wasi accepts (0 through 2 ** 31 - 1, and -0)", () => {
    const options = { version: "preview1", stdin: -0, stdout: 2147483647, stderr: 7 };
    const parsed = parseWasiOptions(options);
    expect([parsed.stdin, parsed.stdout, parsed.stderr]).toEqual([0, 2147483647, 7]);
  });

  it("treats undefined option values as absent, as node:wasi does", () => {
    const options = {
      version: "preview1",
      args: undefined,
      env: undefined,
      preopens: undefined,
      stdin: undefined,
      returnOnExit: undefined,
    };
    expect(outcomeOf(() => new NodeWASI(options))).toEqual({ threw: false });
    expect(parseWasiOptions(options)).toEqual(parseWasiOptions({ version: "preview1" }));
  });

  it("lets an explicit returnOnExit override either default", () => {
    expect(parseWasiOptions({ version: "preview1", returnOnExit: false }).returnOnExit).toBe(false);
    expect(parseWasiOptions({ returnOnExit: true }).returnOnExit).toBe(true);
  });
});

describe("deliberate differences from Node 20.20.2", () => {
  const nodeVersionError = {
    code: "ERR_INVALID_ARG_TYPE",
    message: 'The "options.version" property must be of type string. Received undefined',
  };

  it("accepts a missing version as preview1 with returnOnExit false (Node 18 form; Node 20 throws)", () => {
    expect(errorOf(() => new NodeWASI({ args: ["x"] }))).toMatchObject(nodeVersionError);
    expect(parseWasiOptions({ args: ["x"] })).toMatchObject({
      args: ["x"],
      version: "preview1",
      versionGiven: false,
      returnOnExit: false,
    });
  });

  it("accepts no options at all as preview1 with returnOnExit false (Node 18 `new WASI()`; Node 20 throws)", () => {
    expect(errorOf(() => new NodeWASI())).toMatchObject(nodeVersionError);
    expect(errorOf(() => new NodeWASI(undefined))).toMatchObject(nodeVersionError);
    expect(parseWasiOptions(undefined)).toMatchObject({ version: "preview1", versionGiven: false, returnOnExit: false });
  });

  it("treats an explicit `version: undefined` like a missing version (Node 20 throws)", () => {
    expect(errorOf(() => new NodeWASI({ version: undefined }))).toMatchObject(nodeVersionError);
    expect(parseWasiOptions({ version: undefined })).toMatchObject({ version: "preview1", versionGiven: false });
  });

  it("reads holes in a sparse args array as 'undefined' (Node aborts the whole process on them)", () => {
    const script = "const { WASI } = require('node:wasi'); new WASI({ version: 'preview1', args: [, 'a'] });";
    const child = spawnSync(process.execPath, ["--no-warnings", "-e", script], { encoding: "utf8" });
    expect(child.signal).toBe("SIGABRT");
    expect(child.stderr).toContain("Assertion failed");
    // biome-ignore lint/suspicious/noSparseArray: the hole is the input under test
    expect(parseWasiOptions({ version: "preview1", args: [, "a"] }).args).toEqual(["undefined", "a"]);
  });
});

describe("host checks node:wasi makes while constructing (left to the host)", () => {
  // parseWasiOptions does not touch the file system; these pin down the error
  // the host should throw, built with uvwasiInitError.
  const cases: [string, Record<string, unknown>, string, number][] = [
    ["a missing preopen directory", { preopens: { "/x": "/no/such/dir/for/wasi-options" } }, "ENOENT", 44],
    ["a preopen that is a file", { preopens: { "/x": process.execPath } }, "ENOTDIR", 54],
    ["a stdio fd that is not open", { stdin: 987 }, "EBADF", 8],
  ];
  for (const [label, extra, name, errno] of cases) {
    it(`${label}: Error ${name} from uvwasi_init`, () => {
      const options = { version: "preview1", ...extra };
      expect(() => parseWasiOptions(options)).not.toThrow();
      let thrownByNode: unknown;
      try {
        new NodeWASI(options);
      } catch (error) {
        thrownByNode = error;
      }
      const ours = uvwasiInitError(name, errno);
      expect(describeError(ours)).toEqual(describeError(thrownByNode));
      expect(thrownByNode).toMatchObject({ errno: ours.errno, syscall: ours.syscall });
    });
  }
});
