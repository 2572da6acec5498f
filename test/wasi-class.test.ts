/**
 * The WASI class as a drop-in for node:wasi: its options, import object,
 * start/initialize, exit handling, memories, per-instance state and our extra
 * options. Where node:wasi behaves correctly the same test runs it too and
 * expects the same; where we deliberately differ the test says so.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WASI as NodeWASI } from "node:wasi";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { WASI, WasiExit, type WasiOptions } from "../src/wasi/wasi.js";
import { describeError, errorOf } from "./support/error-outcome.js";
import { putText, readText, scratch, toolkitModule, type ToolkitExports, type ToolkitOptions } from "./support/toolkit-guest.js";

type AnyWasi = WASI | NodeWASI;
type Maker = (options: WasiOptions) => AnyWasi;
const ours: Maker = (options) => new WASI(options);
const node: Maker = (options) => new NodeWASI(options as never);
const both: [string, Maker][] = [
  ["ours", ours],
  ["node:wasi", node],
];

const errno = { success: 0, badf: 8, fault: 21, overflow: 61 } as const;
const oflags = { creat: 1, trunc: 8 } as const;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "wasi-class-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A file opened for the guest's stdout (or another stdio slot); returns its fd and a reader. */
function captureFile(): { fd: number; read: () => string } {
  const path = join(tempDir(), "out.txt");
  const fd = openSync(path, "a");
  cleanups.push(() => {
    try {
      closeSync(fd);
    } catch {
      // node:wasi closes a stdio host fd when the guest closes it.
    }
  });
  return { fd, read: () => readFileSync(path, "utf8") };
}

function instantiate(wasi: AnyWasi, options: ToolkitOptions = {}, env: Record<string, unknown> = {}) {
  const module = toolkitModule(options);
  const instance = new WebAssembly.Instance(module, { ...wasi.getImportObject(), env } as WebAssembly.Imports);
  return { instance, exports: instance.exports as unknown as ToolkitExports };
}

/** Host fds this process has open, from /proc/self/fd. */
function openHostFds(): number {
  return readdirSync("/proc/self/fd").length;
}

describe("constructor options, checked as node:wasi checks them", () => {
  const dir = mkdtempSync(join(tmpdir(), "wasi-class-options-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bad: [string, unknown][] = [
    ["options null", null],
    ["options a string", "preview1"],
    ["an unknown version", { version: "preview2" }],
    ["args not an array", { version: "preview1", args: "a b" }],
    ["env null", { version: "preview1", env: null }],
    ["preopens an array", { version: "preview1", preopens: [dir] }],
    ["stdin negative", { version: "preview1", stdin: -1 }],
    ["stdout fractional", { version: "preview1", stdout: 1.5 }],
    ["stderr a string", { version: "preview1", stderr: "2" }],
    ["returnOnExit a string", { version: "preview1", returnOnExit: "yes" }],
  ];
  it.each(bad)("%s: the same error as node:wasi", (_label, options) => {
    expect(errorOf(() => new WASI(options as WasiOptions))).toEqual(errorOf(() => new NodeWASI(options as never)));
  });

  // node:wasi's message stops at "uvwasi_init"; ours goes on to say what failed (test/wasi-start-errors.test.ts).
  const startFailures: [string, unknown][] = [
    ["a preopen that does not exist", { version: "preview1", preopens: { "/x": join(dir, "missing") } }],
    ["a stdio fd that is not open", { version: "preview1", stdin: 987654 }],
  ];
  it.each(startFailures)("%s: node:wasi's error, its message extended with what failed", (_label, options) => {
    const { message, stackHead: _ourHead, text: _ourText, ...ours } = errorOf(() => new WASI(options as WasiOptions));
    const { message: nodeMessage, stackHead: _nodeHead, text: _nodeText, ...nodes } = errorOf(() => new NodeWASI(options as never));
    expect(ours).toEqual(nodes);
    expect(String(message).startsWith(`${String(nodeMessage)}: `)).toBe(true);
  });

  it("accepts the Node 18 form without a version, which node 20's node:wasi refuses", () => {
    expect(() => new WASI()).not.toThrow();
    expect(() => new WASI({ args: ["a"] })).not.toThrow();
    expect(errorOf(() => new NodeWASI({ args: ["a"] } as never)).code).toBe("ERR_INVALID_ARG_TYPE");
  });

  it.each([
    ["badPointer", { badPointer: "ignore" }, "ERR_INVALID_ARG_VALUE"],
    ["trace", { trace: "yes" }, "ERR_INVALID_ARG_TYPE"],
    ["onHostError", { onHostError: 5 }, "ERR_INVALID_ARG_TYPE"],
    ["memory", { memory: { buffer: new ArrayBuffer(8) } }, "ERR_INVALID_ARG_TYPE"],
  ])("checks our extra option %s", (_name, extra, code) => {
    const error = errorOf(() => new WASI({ version: "preview1", ...(extra as object) }));
    expect(error.code).toBe(code);
    expect(error.message).toContain(`options.${_name}`);
  });

  it("reports a bad node:wasi option before a bad extra option", () => {
    expect(errorOf(() => new WASI({ version: "preview1", args: 1, trace: 1 } as never)).message).toContain("options.args");
  });
});

describe("getImportObject and wasiImport", () => {
  it.each([
    ["preview1", "wasi_snapshot_preview1"],
    ["unstable", "wasi_unstable"],
  ] as const)("version %s puts wasiImport under %s, as node:wasi does", (version, moduleName) => {
    for (const [, make] of both) {
      const wasi = make({ version });
      const imports = wasi.getImportObject() as Record<string, unknown>;
      expect(Object.keys(imports)).toEqual([moduleName]);
      expect(imports[moduleName]).toBe(wasi.wasiImport);
      expect(wasi.getImportObject()).not.toBe(imports);
    }
  });

  it("offers node:wasi's 46 preview1 functions", () => {
    expect(Object.keys(new WASI({ version: "preview1" }).wasiImport).sort()).toEqual(
      Object.keys(new NodeWASI({ version: "preview1" }).wasiImport).sort(),
    );
  });

  it("leaves sock_accept out of wasi_unstable, which node:wasi wrongly offers there", () => {
    const nodeNames = Object.keys(new NodeWASI({ version: "unstable" }).wasiImport);
    const ourNames = Object.keys(new WASI({ version: "unstable" }).wasiImport);
    expect(nodeNames).toContain("sock_accept");
    expect(ourNames.sort()).toEqual(nodeNames.filter((name) => name !== "sock_accept").sort());
  });

  it("uses preview1 when the version is left out", () => {
    expect(Object.keys(new WASI().getImportObject())).toEqual(["wasi_snapshot_preview1"]);
  });
});

describe("what the guest is given", () => {
  it.each(both)("%s: preopens in the options' order, named by their guest paths", (_name, make) => {
    const wasi = make({ version: "preview1", preopens: { "/b/c": tempDir(), "/a": tempDir() } });
    const { instance, exports } = instantiate(wasi, { entry: "_initialize" });
    wasi.initialize(instance);
    const names = [3, 4].map((fd) => {
      expect(exports.prestat_name(fd, scratch.free, 64)).toBe(errno.success);
      return readText(exports.memory, scratch.free, new DataView(exports.memory.buffer).getUint32(scratch.prestatNameLength, true));
    });
    expect(names).toEqual(["/b/c", "/a"]);
    expect(exports.prestat_name(5, scratch.free, 64)).toBe(errno.badf);
  });

  it("args and env as node:wasi gives them (a C guest printing both, stdout to a file the test opened)", async () => {
    const bytes = readFileSync(new URL("./guests/bin/args_env.wasm", import.meta.url));
    const outputs = [];
    for (const [, make] of both) {
      const stdout = captureFile();
      const wasi = make({
        version: "preview1",
        args: ["prog", "héllo", "", 42],
        env: { LANG: "C", EMPTY: "", DROPPED: undefined, NUMBER: 7 },
        stdout: stdout.fd,
      });
      const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject() as WebAssembly.Imports);
      expect(wasi.start(instance)).toBe(0);
      outputs.push(stdout.read());
    }
    expect(outputs[0]).toContain('argv[3]: "42"');
    expect(outputs[0]).toContain('"NUMBER=7"');
    expect(outputs[0]).not.toContain("DROPPED");
    expect(outputs[0]).toBe(outputs[1]);
  });

  it.each(both)("%s: stdout and stderr go to the host fds given", (_name, make) => {
    const stdout = captureFile();
    const stderr = captureFile();
    const wasi = make({ version: "preview1", stdout: stdout.fd, stderr: stderr.fd });
    const { instance, exports } = instantiate(wasi, { entry: "_initialize" });
    wasi.initialize(instance);
    exports.write(1, scratch.free, putText(exports.memory, scratch.free, "to stdout\n"));
    exports.write(2, scratch.free, putText(exports.memory, scratch.free, "to stderr\n"));
    expect(stdout.read()).toBe("to stdout\n");
    expect(stderr.read()).toBe("to stderr\n");
  });
});

describe("start", () => {
  it.each(both)("%s: returns 0 when _start returns", (_name, make) => {
    const wasi = make({ version: "preview1" });
    expect(wasi.start(instantiate(wasi, { entry: "_start" }).instance)).toBe(0);
  });

  it.each(both)("%s: with returnOnExit (the default when a version is given) returns proc_exit's code", (_name, make) => {
    const wasi = make({ version: "preview1" });
    const { instance } = instantiate(wasi, { entry: "_start", entryBody: "(call $exit (i32.const 42)) (unreachable)" });
    expect(wasi.start(instance)).toBe(42);
  });

  it.each(both)("%s: returns proc_exit's code even when the guest caught the unwinding with catch_all", (_name, make) => {
    const wasi = make({ version: "preview1" });
    const { instance } = instantiate(wasi, { entry: "_start", catchAll: true, entryBody: "(drop (call $exit_caught (i32.const 9)))" });
    expect(wasi.start(instance)).toBe(9);
  });

  it("returns proc_exit's code as WASI's unsigned exitcode, where node:wasi gives it as a signed int32", () => {
    const body = { entry: "_start" as const, entryBody: "(call $exit (i32.const -1))" };
    const oursWasi = new WASI({ version: "preview1" });
    expect(oursWasi.start(instantiate(oursWasi, body).instance)).toBe(4294967295);
    const nodeWasi = new NodeWASI({ version: "preview1" });
    expect(nodeWasi.start(instantiate(nodeWasi, body).instance)).toBe(-1);
  });

  it.each(both)("%s: lets a trap in the guest propagate", (_name, make) => {
    const wasi = make({ version: "preview1" });
    const { instance } = instantiate(wasi, { entry: "_start", entryBody: "(unreachable)" });
    expect(() => wasi.start(instance)).toThrow(WebAssembly.RuntimeError);
  });

  it.each(both)("%s: refuses a second start with ERR_WASI_ALREADY_STARTED", (_name, make) => {
    const wasi = make({ version: "preview1" });
    const { instance } = instantiate(wasi, { entry: "_start" });
    wasi.start(instance);
    expect(errorOf(() => wasi.start(instance)).code).toBe("ERR_WASI_ALREADY_STARTED");
  });

  it("closes the descriptors the guest left open, but not the stdio fds the embedder gave", () => {
    const sandbox = tempDir();
    const stdout = captureFile();
    const before = openHostFds();
    const wasi = new WASI({ version: "preview1", preopens: { "/sandbox": sandbox }, stdout: stdout.fd });
    const { instance } = instantiate(wasi, {
      entry: "_start",
      data: { 256: "left-open.txt" },
      entryBody: "(drop (call $open (i32.const 3) (i32.const 0x100) (i32.const 13) (i32.const 1)))",
    });
    // The preopen holds a host fd from construction on.
    expect(openHostFds()).toBeGreaterThan(before);
    expect(wasi.start(instance)).toBe(0);
    expect(existsSync(join(sandbox, "left-open.txt"))).toBe(true);
    expect(openHostFds()).toBe(before);
    expect(() => fstatSync(stdout.fd)).not.toThrow();
  });

  it("closes them also when the guest traps", () => {
    const before = openHostFds();
    const wasi = new WASI({ version: "preview1", preopens: { "/sandbox": tempDir() } });
    const { instance } = instantiate(wasi, { entry: "_start", entryBody: "(unreachable)" });
    expect(() => wasi.start(instance)).toThrow(WebAssembly.RuntimeError);
    expect(openHostFds()).toBe(before);
  });
});

describe("an import called before start() or initialize()", () => {
  const ourImports = () => new WASI({ version: "preview1" }).wasiImport as unknown as Record<string, (...args: unknown[]) => unknown>;
  const nodeImports = () => new NodeWASI({ version: "preview1" }).wasiImport as unknown as Record<string, (...args: unknown[]) => unknown>;

  it("throws ERR_WASI_NOT_STARTED from every import, called from JavaScript, exactly as node:wasi does", () => {
    // Arguments of the right count and kind: node:wasi answers inval before its started check otherwise.
    const calls: [string, unknown[]][] = [
      ["fd_write", [1, 0, 0, 8]],
      ["random_get", [0, 4]],
      ["clock_time_get", [0, 0n, 8]],
      ["sched_yield", []],
      ["proc_raise", [0]],
      ["fd_close", [9]],
      ["fd_renumber", [1, 2]],
      ["sock_shutdown", [1, 1]],
    ];
    const expected = errorOf(() => nodeImports().fd_write(1, 0, 0, 8));
    expect(expected).toMatchObject({ base: "Error", code: "ERR_WASI_NOT_STARTED", message: "wasi.start() has not been called" });
    for (const [name, args] of calls) {
      expect(
        errorOf(() => nodeImports()[name](...args)),
        `node:wasi ${name}`,
      ).toEqual(expected);
      expect(
        errorOf(() => ourImports()[name](...args)),
        name,
      ).toEqual(expected);
    }
  });

  it.each(both)("%s: throws it through the guest when its _start export is called directly", (_name, make) => {
    const wasi = make({ version: "preview1" });
    const { instance } = instantiate(wasi, {
      entry: "_start",
      data: { 256: "x\n" },
      entryBody: "(drop (call $write (i32.const 1) (i32.const 0x100) (i32.const 2)))",
    });
    const error = errorOf(() => (instance.exports._start as () => void)());
    expect(error).toMatchObject({ base: "Error", code: "ERR_WASI_NOT_STARTED", text: "Error: wasi.start() has not been called" });
  });

  // node:wasi is inconsistent here: with returnOnExit its JavaScript proc_exit exits anyway (and a
  // later start() returns that code); without it, its C++ proc_exit throws ERR_WASI_NOT_STARTED. Ours
  // always throws it: nothing has started that could exit.
  it("proc_exit throws ERR_WASI_NOT_STARTED too, with and without returnOnExit", () => {
    for (const returnOnExit of [true, false]) {
      const imports = new WASI({ version: "preview1", returnOnExit }).wasiImport as unknown as Record<string, (code: number) => void>;
      expect(errorOf(() => imports.proc_exit(3)).code).toBe("ERR_WASI_NOT_STARTED");
    }
    const nodeWithoutReturn = new NodeWASI({ version: "preview1", returnOnExit: false }).wasiImport as unknown as Record<
      string,
      (code: number) => void
    >;
    expect(errorOf(() => nodeWithoutReturn.proc_exit(3)).code).toBe("ERR_WASI_NOT_STARTED");
  });

  it.each(both)("%s: works once initialize() has attached the memory", (_name, make) => {
    const stdout = captureFile();
    const wasi = make({ version: "preview1", stdout: stdout.fd });
    const { instance, exports } = instantiate(wasi, { entry: null });
    expect(errorOf(() => exports.write(1, scratch.free, putText(exports.memory, scratch.free, "early\n"))).code).toBe(
      "ERR_WASI_NOT_STARTED",
    );
    wasi.initialize(instance);
    expect(exports.write(1, scratch.free, putText(exports.memory, scratch.free, "late\n"))).toBe(errno.success);
    expect(stdout.read()).toBe("late\n");
  });
});

describe("the embedder's stdio fds", () => {
  it("stay open when the guest closes its fd 1; node:wasi closes the host fd", () => {
    const open = both.map(([, make]) => {
      const stdout = captureFile();
      const wasi = make({ version: "preview1", stdout: stdout.fd });
      const { instance, exports } = instantiate(wasi, { entry: null });
      wasi.initialize(instance);
      expect(exports.close(1)).toBe(errno.success);
      try {
        fstatSync(stdout.fd);
        return true;
      } catch {
        return false;
      }
    });
    expect(open).toEqual([true, false]);
  });
});

describe("an object used up by a failed check", () => {
  it("closes its descriptors when the first start fails node:wasi's instance checks", () => {
    const before = openHostFds();
    const wasi = new WASI({ version: "preview1", preopens: { "/sandbox": tempDir() } });
    expect(openHostFds()).toBe(before + 1);
    expect(errorOf(() => wasi.start({ exports: {} } as WebAssembly.Instance)).code).toBe("ERR_INVALID_ARG_TYPE");
    expect(openHostFds()).toBe(before);
  });

  it("leaves a live reactor working when start is called on it afterwards", () => {
    const stdout = captureFile();
    const wasi = new WASI({ version: "preview1", stdout: stdout.fd });
    const { instance, exports } = instantiate(wasi, { entry: null });
    wasi.initialize(instance);
    expect(errorOf(() => wasi.start(instance)).code).toBe("ERR_WASI_ALREADY_STARTED");
    expect(exports.write(1, scratch.free, putText(exports.memory, scratch.free, "still here\n"))).toBe(errno.success);
    expect(stdout.read()).toBe("still here\n");
  });
});

describe("initialize and close, for reactors", () => {
  it.each(both)("%s: runs _initialize, after which the exports can use WASI", (_name, make) => {
    const stdout = captureFile();
    const wasi = make({ version: "preview1", stdout: stdout.fd });
    const { instance, exports } = instantiate(wasi, {
      entry: "_initialize",
      data: { 256: "init\n" },
      entryBody: "(drop (call $write (i32.const 1) (i32.const 0x100) (i32.const 5)))",
    });
    expect(wasi.initialize(instance)).toBeUndefined();
    expect(exports.write(1, scratch.free, putText(exports.memory, scratch.free, "call\n"))).toBe(errno.success);
    expect(stdout.read()).toBe("init\ncall\n");
  });

  it.each(both)("%s: accepts a reactor without _initialize", (_name, make) => {
    const wasi = make({ version: "preview1" });
    const { instance } = instantiate(wasi, { entry: null });
    expect(() => wasi.initialize(instance)).not.toThrow();
  });

  it("close() releases the reactor's descriptors; later calls get badf", () => {
    const before = openHostFds();
    const stdout = captureFile();
    const wasi = new WASI({ version: "preview1", preopens: { "/sandbox": tempDir() }, stdout: stdout.fd });
    const { instance, exports } = instantiate(wasi, { entry: null });
    wasi.initialize(instance);
    const length = putText(exports.memory, scratch.free, "kept.txt");
    expect(exports.open(3, scratch.free, length, oflags.creat)).toBe(errno.success);
    wasi.close();
    wasi.close();
    expect(openHostFds()).toBe(before + 1); // only the test's own stdout file
    expect(exports.write(1, scratch.free, 1)).toBe(errno.badf);
    expect(() => fstatSync(stdout.fd)).not.toThrow();
  });

  it("proc_exit from a reactor's export reaches the embedder as a WasiExit carrying the code", () => {
    const wasi = new WASI({ version: "preview1" });
    const { instance, exports } = instantiate(wasi, { entry: null });
    wasi.initialize(instance);
    let thrown: unknown;
    try {
      exports.exit(3);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WasiExit);
    expect((thrown as WasiExit).code).toBe(3);
  });
});

describe("returnOnExit false: proc_exit ends the process", () => {
  const child = fileURLToPath(new URL("./support/exit-child.ts", import.meta.url));
  const run = (implementation: string, form: string, code: number) =>
    spawnSync(process.execPath, ["--no-warnings", "--import", "tsx", child, implementation, form, String(code)], {
      encoding: "utf8",
      timeout: 60_000,
    });

  it.each([
    ["the Node 18 form (no version)", "node18"],
    ["returnOnExit: false", "false"],
  ])(
    "with %s, the process exits with the guest's code and nothing after start runs",
    (_label, form) => {
      const result = run("ours", form, 42);
      expect(result.status).toBe(42);
      expect(result.stdout).toBe("before exit\n");
      expect(result.stderr).not.toContain("start returned");
    },
    60_000,
  );

  it("node:wasi with returnOnExit: false exits the same way", () => {
    const result = run("node", "false", 42);
    expect(result.status).toBe(42);
    expect(result.stdout).toBe("before exit\n");
    expect(result.stderr).not.toContain("start returned");
  }, 60_000);

  it("as process.exit(code) does, 'exit' listeners run; node:wasi's C exit() skips them", () => {
    expect(run("ours", "false", 42).stderr).toContain("process exit listener ran with 42");
    expect(run("node", "false", 42).stderr).not.toContain("exit listener");
  }, 60_000);

  it("keeps the exit status an 8-bit value, as node:wasi does", () => {
    expect(run("ours", "false", 300).status).toBe(300 & 0xff);
    expect(run("node", "false", 300).status).toBe(300 & 0xff);
  }, 60_000);

  it("in a worker thread ends only the worker, as process.exit does there; node:wasi ends the whole process", () => {
    const oursResult = run("ours", "worker", 42);
    expect(oursResult.stderr).toContain("worker ended with 42");
    expect(oursResult.stderr).toContain("main thread outlived the worker");
    expect(oursResult.status).toBe(0);
    const nodeResult = run("node", "worker", 42);
    expect(nodeResult.status).toBe(42);
    expect(nodeResult.stderr).not.toContain("main thread outlived the worker");
  }, 60_000);
});

describe("memory", () => {
  const sharedMemory = () => new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });

  it.each(both)("%s: works on an imported shared memory that the module re-exports", (_name, make) => {
    const stdout = captureFile();
    const memory = sharedMemory();
    const wasi = make({ version: "preview1", stdout: stdout.fd });
    const { instance, exports } = instantiate(
      wasi,
      {
        entry: "_start",
        memory: "imported-shared-exported",
        data: { 256: "shared hello\n" },
        entryBody: "(drop (call $write (i32.const 1) (i32.const 0x100) (i32.const 13)))",
      },
      { memory },
    );
    expect(exports.memory).toBe(memory);
    expect(wasi.start(instance)).toBe(0);
    expect(stdout.read()).toBe("shared hello\n");
    expect(new DataView(memory.buffer).getUint32(scratch.nwritten, true)).toBe(13);
  });

  const notExported: ToolkitOptions = {
    entry: "_start",
    memory: "imported-shared",
    data: { 256: "hidden memory\n" },
    entryBody: "(drop (call $write (i32.const 1) (i32.const 0x100) (i32.const 14)))",
  };

  it("without a memory export refuses to start, with node:wasi's error", () => {
    const outcomes = both.map(([, make]) => {
      const wasi = make({ version: "preview1" });
      return describeError(captureThrow(() => wasi.start(instantiate(wasi, notExported, { memory: sharedMemory() }).instance)));
    });
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0].message).toContain("instance.exports.memory");
  });

  it("runs a module whose imported memory is not exported when given our `memory` option", () => {
    const stdout = captureFile();
    const memory = sharedMemory();
    const wasi = new WASI({ version: "preview1", stdout: stdout.fd, memory });
    expect(wasi.start(instantiate(wasi, notExported, { memory }).instance)).toBe(0);
    expect(stdout.read()).toBe("hidden memory\n");
  });
});

describe("each WASI object has its own state", () => {
  it("descriptors opened through one are unknown to the other, and closing one leaves the other working", () => {
    const stdoutA = captureFile();
    const stdoutB = captureFile();
    const a = new WASI({ version: "preview1", preopens: { "/a": tempDir(), "/a2": tempDir() }, stdout: stdoutA.fd });
    const b = new WASI({ version: "preview1", preopens: { "/b": tempDir() }, stdout: stdoutB.fd });
    const guestA = instantiate(a, { entry: null });
    const guestB = instantiate(b, { entry: null });
    a.initialize(guestA.instance);
    b.initialize(guestB.instance);

    const length = putText(guestA.exports.memory, scratch.free, "mine.txt");
    expect(guestA.exports.open(3, scratch.free, length, oflags.creat | oflags.trunc)).toBe(errno.success);
    const opened = new DataView(guestA.exports.memory.buffer).getUint32(scratch.openedFd, true);
    expect(opened).toBeGreaterThanOrEqual(5);
    expect(guestB.exports.write(opened, scratch.free, 1)).toBe(errno.badf);
    expect(guestB.exports.prestat_name(4, scratch.free, 16)).toBe(errno.badf);

    expect(guestA.exports.close(1)).toBe(errno.success);
    expect(guestB.exports.write(1, scratch.free, putText(guestB.exports.memory, scratch.free, "b still writes\n"))).toBe(errno.success);
    a.close();
    expect(guestB.exports.write(1, scratch.free, putText(guestB.exports.memory, scratch.free, "after a.close\n"))).toBe(errno.success);
    expect(stdoutB.read()).toBe("b still writes\nafter a.close\n");
    expect(stdoutA.read()).toBe("");
    b.close();
  });
});

describe("our extra options", () => {
  /** fd_write with an iovec array that lies past the end of memory. */
  const badWrite = (exports: ToolkitExports) => {
    const view = new DataView(exports.memory.buffer);
    return () => {
      view.setUint32(scratch.iovec, 0xfffff000, true);
      view.setUint32(scratch.iovec + 4, 16, true);
      return exports.write(1, 0xfffff000, 16);
    };
  };

  it("badPointer defaults to trap", () => {
    const wasi = new WASI({ version: "preview1" });
    const { instance, exports } = instantiate(wasi, { entry: null });
    wasi.initialize(instance);
    expect(badWrite(exports)).toThrow(WebAssembly.RuntimeError);
  });

  it("badPointer 'fault' returns errno fault instead (node:wasi answers overflow here)", () => {
    const results = [new WASI({ version: "preview1", badPointer: "fault" }), new NodeWASI({ version: "preview1" })].map((wasi) => {
      const { instance, exports } = instantiate(wasi, { entry: null });
      wasi.initialize(instance);
      return badWrite(exports)();
    });
    expect(results).toEqual([errno.fault, errno.overflow]);
  });

  it("trace passes one line per call, with decoded arguments and the outcome", () => {
    const lines: string[] = [];
    const stdout = captureFile();
    const wasi = new WASI({ version: "preview1", stdout: stdout.fd, trace: (line) => lines.push(line) });
    const { instance, exports } = instantiate(wasi, { entry: null });
    wasi.initialize(instance);
    exports.write(1, scratch.free, putText(exports.memory, scratch.free, "traced"));
    exports.close(77);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^fd_write\(fd=1, .*"traced".*\) = success/);
    expect(lines[1]).toBe("fd_close(fd=77) = badf");
  });

  it("trace: true writes the lines to the process's stderr", () => {
    const script = `
      import { WASI } from "./src/wasi/wasi.ts";
      import { toolkitModule } from "./test/support/toolkit-guest.ts";
      const wasi = new WASI({ version: "preview1", trace: true });
      const instance = new WebAssembly.Instance(toolkitModule({ entry: "_start", entryBody: "(drop (call $close (i32.const 99)))" }), wasi.getImportObject());
      wasi.start(instance);`;
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.stderr).toBe("[wasi] fd_close(fd=99) = badf\n");
  }, 60_000);
});

function captureThrow(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected the action to throw");
}
