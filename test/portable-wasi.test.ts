import { afterEach, describe, expect, it, vi } from "vitest";
import { WASI, captureOutput, extendHost, preview1 } from "../src/portable.js";
import { guestModule } from "./support/run-guest.js";

function start(wasi: WASI, path: string): number {
  return wasi.start(new WebAssembly.Instance(guestModule(path), wasi.getImportObject()));
}

afterEach(() => vi.restoreAllMocks());

describe("the portable entry point's WASI class", () => {
  it("runs a guest with args and env, stdout captured", () => {
    const out = captureOutput();
    const wasi = new WASI({ version: "preview1", args: ["hello", "a b"], env: { GREETING: "hi" }, stdio: { stdout: out } });
    expect(start(wasi, "examples/hello.wasm")).toBe(0);
    expect(out.text()).toBe("hello from wasm\narg 1: a b\nGREETING=hi\n");
  });

  it("prints stdout to console.log line by line when stdio does not say otherwise", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    start(new WASI({ version: "preview1", args: ["hello"] }), "examples/hello.wasm");
    expect(log.mock.calls).toEqual([["hello from wasm"], ["GREETING=(not set)"]]);
  });

  it("flushes a last line without a newline when the guest ends", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    start(new WASI({ version: "preview1", stdio: { stdin: "no newline" } }), "test/guests/bin/cat.wasm");
    expect(log.mock.calls).toEqual([["no newline"]]);
  });

  it("returns proc_exit's code from start() even in the Node 18 form: there is no process to end", () => {
    const out = captureOutput();
    const wasi = new WASI({ args: ["exit", "42"], stdio: { stdout: out } });
    expect(start(wasi, "test/guests/bin/exit.wasm")).toBe(42);
    expect(out.text()).toBe("exiting with: 42\n");
  });

  it("refuses host fds and host preopens, naming the Node entry point", () => {
    expect(() => new WASI({ version: "preview1", stdout: 1 } as never)).toThrow(/host fd 1 needs the Node entry point/);
    expect(() => new WASI({ version: "preview1", stdio: { stdin: 0 } })).toThrow(/host fd 0 needs the Node entry point/);
    expect(() => new WASI({ version: "preview1", preopens: { "/": "/" } } as never)).toThrow(/core entry point cannot open/);
  });

  it("keeps node:wasi's option checks", () => {
    expect(() => new WASI({ version: "preview2" as never })).toThrow(expect.objectContaining({ code: "ERR_INVALID_ARG_VALUE" }));
    expect(() => new WASI({ version: "preview1", args: "x" as never })).toThrow(expect.objectContaining({ code: "ERR_INVALID_ARG_TYPE" }));
  });

  it("supports the host option and deterministic mode like the Node class", () => {
    const run = () => {
      const out = captureOutput();
      let writes = 0;
      const wasi = new WASI({
        version: "preview1",
        deterministic: { seed: 7 },
        stdio: { stdout: out },
        host: (base) => extendHost(base, (original) => ({ fd_write: (...args) => (writes++, original.fd_write(...args)) })),
      });
      expect(start(wasi, "test/guests/bin/embedding/determinism.wasm")).toBe(0);
      expect(writes).toBeGreaterThan(0);
      return out.text();
    };
    expect(run()).toBe(run());
  });

  it("uses web crypto for random_get and web clocks when not deterministic", () => {
    const fill = vi.spyOn(globalThis.crypto, "getRandomValues");
    const out = captureOutput();
    start(new WASI({ version: "preview1", stdio: { stdout: out } }), "test/guests/bin/embedding/determinism.wasm");
    expect(fill).toHaveBeenCalled();
    const [realtime] = [...out.text().matchAll(/^realtime: (\d+)/gm)].map((match) => Number(BigInt(match[1]) / 1_000_000n));
    expect(Math.abs(realtime - Date.now())).toBeLessThan(60_000);
  });

  it("exports the generated bindings", () => {
    expect(preview1.moduleName).toBe("wasi_snapshot_preview1");
    expect(typeof preview1.createPreview1Imports).toBe("function");
  });
});
