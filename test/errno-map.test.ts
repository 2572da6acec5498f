import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { errnoNames, type ErrnoName } from "../src/impl/node/errno-name.js";
import { errnoNameByNodeCode, errnoNameOf, errnoNameOfCode, fallbackErrnoName } from "../src/impl/node/errno-map.js";

// Runs `action`, which must throw, and returns the errno name of what it threw.
function errnoNameOfFailure(action: () => unknown): ErrnoName {
  try {
    action();
  } catch (error) {
    return errnoNameOf(error);
  }
  throw new Error("expected the call to fail");
}

describe("errno names", () => {
  it("list the preview1 errno cases of the project's witx in order", () => {
    const witx = fs.readFileSync(new URL("../witx/preview1/typenames.witx", import.meta.url), "utf8");
    const start = witx.indexOf("(typename $errno");
    const end = witx.indexOf("(typename", start + 1);
    const body = witx
      .slice(start, end)
      .split("\n")
      .filter((line) => !line.trim().startsWith(";;"))
      .join("\n");
    const cases = [...body.matchAll(/^\s*\$([a-z0-9_]+)\s*$/gm)].map((m) => m[1]);
    expect(cases).toEqual([...errnoNames]);
  });
});

describe("the Node code table", () => {
  it("maps E + the upper-cased name to every WASI errno with a POSIX counterpart", () => {
    const withoutPosixCounterpart = new Set<ErrnoName>(["success", "notcapable"]);
    for (const name of errnoNames) {
      if (withoutPosixCounterpart.has(name)) continue;
      expect(errnoNameByNodeCode.get(`E${name.toUpperCase()}`), name).toBe(name);
    }
  });

  it("only produces valid errno names, and never success or notcapable", () => {
    const valid = new Set<string>(errnoNames);
    for (const [code, name] of errnoNameByNodeCode) {
      expect(valid.has(name), code).toBe(true);
      expect(name, code).not.toBe("success");
      expect(name, code).not.toBe("notcapable");
    }
  });

  it.each([
    ["EWOULDBLOCK", "again"],
    ["EAGAIN", "again"],
    ["EOPNOTSUPP", "notsup"],
    ["ENOTSUP", "notsup"],
    ["ENOSYS", "nosys"],
    ["EDEADLOCK", "deadlk"],
    ["ESHUTDOWN", "pipe"],
    ["ECHARSET", "ilseq"],
    ["ERR_FS_FILE_TOO_LARGE", "fbig"],
    ["ERR_FS_EISDIR", "isdir"],
    ["ERR_INVALID_ARG_VALUE", "inval"],
    ["ERR_OUT_OF_RANGE", "inval"],
    ["ERR_ACCESS_DENIED", "acces"],
    ["ERR_ENCODING_INVALID_ENCODED_DATA", "ilseq"],
  ] as const)("maps %s to %s", (code, name) => {
    expect(errnoNameOfCode(code)).toBe(name);
    expect(errnoNameOf(Object.assign(new Error("x"), { code }))).toBe(name);
  });

  it("agrees with os.constants.errno: codes with equal numbers map to the same name", () => {
    const numbers = os.constants.errno as Record<string, number>;
    const nameByNumber = new Map<number, ErrnoName>();
    for (const [code, value] of Object.entries(numbers)) {
      const name = errnoNameByNodeCode.get(code);
      if (name === undefined) continue;
      const earlier = nameByNumber.get(value);
      if (earlier !== undefined) expect(name, code).toBe(earlier);
      nameByNumber.set(value, name);
    }
    expect(nameByNumber.size).toBeGreaterThan(60);
  });
});

describe("errors thrown by real fs calls", () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "errno-map-"));
    fs.writeFileSync(path.join(root, "file"), "data");
    fs.mkdirSync(path.join(root, "full"));
    fs.writeFileSync(path.join(root, "full", "inside"), "");
    fs.symlinkSync("self", path.join(root, "self"));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("a missing file is noent", () => {
    expect(errnoNameOfFailure(() => fs.openSync(path.join(root, "missing"), "r"))).toBe("noent");
  });
  it("creating an existing directory is exist", () => {
    expect(errnoNameOfFailure(() => fs.mkdirSync(path.join(root, "full")))).toBe("exist");
  });
  it("a file used as a directory is notdir", () => {
    expect(errnoNameOfFailure(() => fs.statSync(path.join(root, "file", "x")))).toBe("notdir");
  });
  it("reading a directory as a file is isdir", () => {
    expect(errnoNameOfFailure(() => fs.readFileSync(path.join(root, "full")))).toBe("isdir");
  });
  it("removing a non-empty directory is notempty", () => {
    expect(errnoNameOfFailure(() => fs.rmdirSync(path.join(root, "full")))).toBe("notempty");
  });
  it("a symlink pointing at itself is loop", () => {
    expect(errnoNameOfFailure(() => fs.statSync(path.join(root, "self")))).toBe("loop");
  });
  it("opening a symlink with O_NOFOLLOW is loop", () => {
    const flags = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW;
    expect(errnoNameOfFailure(() => fs.openSync(path.join(root, "self"), flags))).toBe("loop");
  });
  it("a closed descriptor is badf", () => {
    const fd = fs.openSync(path.join(root, "file"), "r");
    fs.closeSync(fd);
    expect(errnoNameOfFailure(() => fs.fstatSync(fd))).toBe("badf");
  });
  it("a NUL byte in a path is inval (Node's own argument check)", () => {
    expect(errnoNameOfFailure(() => fs.openSync(path.join(root, "a\0b"), "r"))).toBe("inval");
  });
  it("a descriptor out of range is inval", () => {
    expect(errnoNameOfFailure(() => fs.fstatSync(-1))).toBe("inval");
  });
  it("bytes that are not UTF-8 are ilseq", () => {
    const decoder = new TextDecoder("utf-8", { fatal: true });
    expect(errnoNameOfFailure(() => decoder.decode(new Uint8Array([0xff])))).toBe("ilseq");
  });
});

describe("unknown codes and values that are not system errors", () => {
  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a bare code string", "ENOENT"],
    ["a number", -2],
    ["an Error without a code", new Error("plain")],
    ["an unknown code", Object.assign(new Error("x"), { code: "EWHATEVER" })],
    ["a numeric code", { code: 2 }],
    ["an inherited property name as code", { code: "constructor" }],
    ["__proto__ as code", { code: "__proto__" }],
    ["code UNKNOWN without a known errno", { code: "UNKNOWN", errno: -999999 }],
  ])("%s falls back to io", (_label, value) => {
    expect(fallbackErrnoName).toBe("io");
    expect(errnoNameOf(value)).toBe("io");
  });

  it("a value whose property getter throws falls back to io instead of throwing", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    expect(errnoNameOf(hostile)).toBe("io");
  });

  it.skipIf(process.platform === "win32")("code UNKNOWN with a POSIX errno libuv cannot name maps by number", () => {
    const edquot = os.constants.errno.EDQUOT;
    expect(errnoNameOf({ code: "UNKNOWN", errno: -edquot })).toBe("dquot");
    const estale = os.constants.errno.ESTALE;
    expect(errnoNameOf({ code: "UNKNOWN", errno: -estale })).toBe("stale");
  });

  it("the code wins over the number when both are known", () => {
    const enoent = os.constants.errno.ENOENT;
    expect(errnoNameOf({ code: "EEXIST", errno: -enoent })).toBe("exist");
  });
});
