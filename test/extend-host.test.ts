import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { extendHost } from "../src/impl/extend-host.js";
import { createPreview1Imports } from "../src/generated/preview1/glue.js";
import type { Preview1Host } from "../src/generated/preview1/host.js";
import { asFd, errno } from "../src/generated/preview1/types.js";
import { unimplementedPreview1Host } from "../src/generated/preview1/unimplemented.js";
import { GuestMemory } from "../src/runtime/index.js";
import { captureOutput, OutputSinkDescription } from "../src/impl/stdio/output-sink.js";
import { InputSourceDescription } from "../src/impl/stdio/input-source.js";
import { createPortableHost } from "../src/impl/portable/index.js";
import { hostCoreOf } from "../src/runtime/glue-support.js";
import { runGuest } from "./support/run-guest.js";

const fixtures = resolve(fileURLToPath(new URL("fixtures/typecheck/extend-host/", import.meta.url)));

function compileErrors(file: string): string[] {
  const program = ts.createProgram([resolve(fixtures, file)], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("extendHost at compile time", () => {
  it("accepts overrides whose parameters are inferred from Preview1Host and that delegate to original", () => {
    expect(compileErrors("good.ts")).toEqual([]);
  }, 60_000);

  it("rejects a method name that is not a WASI function", () => {
    const errors = compileErrors("misspelled.ts");
    expect(errors.join("\n")).toMatch(/not assignable to type '"path_unlink_fil is not a WASI function of Preview1Host"'/);
  }, 60_000);

  it("rejects an override whose parameter type differs from the interface", () => {
    const errors = compileErrors("wrong-parameter.ts");
    expect(errors.join("\n")).toMatch(/'fd' and 'fd' are incompatible/);
  }, 60_000);

  it("rejects an override whose result is not an errno", () => {
    const errors = compileErrors("wrong-result.ts");
    expect(errors.join("\n")).toMatch(/Type 'string' is not assignable to type 'Errno'/);
  }, 60_000);
});

describe("extendHost at run time", () => {
  it("replaces only the named methods and leaves the base unchanged", () => {
    const base = unimplementedPreview1Host(errno.nosys);
    const host = extendHost(base, () => ({ sched_yield: () => errno.success }));
    expect(host.sched_yield()).toBe(errno.success);
    expect(base.sched_yield()).toBe(errno.nosys);
    expect(host.fd_close(asFd(3))).toBe(errno.nosys);
  });

  it("gives each override the method it replaces as original, even when extensions stack", () => {
    const calls: string[] = [];
    const base: Preview1Host = { ...unimplementedPreview1Host(), fd_close: () => (calls.push("base"), errno.badf) };
    const once = extendHost(base, (original) => ({ fd_close: (fd) => (calls.push("first"), original.fd_close(fd)) }));
    const twice = extendHost(once, (original) => ({ fd_close: (fd) => (calls.push("second"), original.fd_close(fd)) }));
    expect(twice.fd_close(asFd(7))).toBe(errno.badf);
    expect(calls).toEqual(["second", "first", "base"]);
  });

  it("keeps extra members of the base, such as close()", () => {
    let closed = false;
    const base = { ...unimplementedPreview1Host(), close: () => void (closed = true) };
    extendHost(base, () => ({})).close();
    expect(closed).toBe(true);
  });

  it("throws for a name that is not a host method or an override that is not a function (JavaScript callers)", () => {
    const base = unimplementedPreview1Host();
    expect(() => extendHost(base, () => ({ fd_clsoe: () => 0 }) as never)).toThrow(/"fd_clsoe" is not a method of the host/);
    expect(() => extendHost(base, () => ({ fd_close: 0 }) as never)).toThrow(/override of "fd_close" is not a function/);
  });

  it("produces a host the generated glue accepts", () => {
    const host = extendHost(unimplementedPreview1Host(), () => ({ sched_yield: () => errno.again }));
    const memory = new GuestMemory();
    memory.attach(new WebAssembly.Memory({ initial: 1 }));
    const imports = createPreview1Imports(host, memory);
    expect(imports.sched_yield()).toBe(errno.again);
  });
});

describe("the WASI class's host option", () => {
  it("applies an extension to the Node host it builds, seen by a real guest", () => {
    const out = captureOutput();
    const writes: number[] = [];
    const code = runGuest("examples/hello.wasm", {
      stdio: { stdout: out },
      host: (base) =>
        extendHost(base, (original) => ({
          fd_write(fd, iovs, result) {
            writes.push(fd);
            return original.fd_write(fd, iovs, result);
          },
        })),
    });
    expect(code).toBe(0);
    expect(out.text().length).toBeGreaterThan(0);
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes)).toEqual(new Set([1]));
  });

  it("lets an override refuse a call instead of the Node host", () => {
    const out = captureOutput();
    let refused = 0;
    runGuest("examples/hello.wasm", {
      stdio: { stdout: out },
      host: (base) => extendHost(base, () => ({ fd_write: () => (refused++, errno.perm) })),
    });
    expect(refused).toBeGreaterThan(0);
    expect(out.text()).toBe("");
  });

  it("rejects a host option that is not a function", () => {
    expect(() => runGuest("examples/hello.wasm", { host: {} as never })).toThrow(/"options.host" property must be of type function/);
  });
});

describe("the hosts the package makes", () => {
  const portable = () =>
    createPortableHost({
      args: ["prog", "x"],
      env: [],
      stdin: new InputSourceDescription(""),
      stdout: new OutputSinkDescription(() => {}),
      stderr: new OutputSinkDescription(() => {}),
      onExit: () => {
        throw new Error("exit");
      },
    });

  it("hand out methods that work taken off alone, and a spread copy that works", () => {
    const host = portable();
    const { args_sizes_get, fd_close } = host;
    const sizes = { value: [0, 0] as [number, number] };
    expect(args_sizes_get(sizes as never)).toBe(errno.success);
    expect(sizes.value).toEqual([2, 7]);
    const copy = { ...host, fd_close: (_fd: number) => errno.perm };
    expect(copy.args_sizes_get(sizes as never)).toBe(errno.success);
    expect(copy.fd_close(asFd(1))).toBe(errno.perm);
    expect(fd_close(asFd(1))).toBe(errno.success);
    expect(fd_close(asFd(1))).toBe(errno.badf);
  });

  it("share one prototype per kind, so a second WASI object runs the code the first made hot", () => {
    const [one, two] = [portable(), portable()];
    const [coreOne, coreTwo] = [hostCoreOf(one), hostCoreOf(two)];
    expect(coreOne).not.toBe(one);
    expect(coreOne).not.toBe(coreTwo);
    expect(Object.getPrototypeOf(coreOne)).toBe(Object.getPrototypeOf(coreTwo));
    expect(Object.hasOwn(coreOne, "fd_write")).toBe(false);
    // A spread or extendHost copy is the embedder's own host: the glue calls it as it is.
    expect(hostCoreOf({ ...one })).not.toBe(coreOne);
    // The imports are the methods of one glue class, bound to each import object.
    const memory = new GuestMemory();
    const [first, second] = [createPreview1Imports(one, memory), createPreview1Imports(two, memory)];
    expect(first.fd_write.name).toBe("bound fd_write");
    expect(first.fd_write).not.toBe(second.fd_write);
  });

  it("are frozen: a change goes through extendHost or a spread, not an assignment", () => {
    const host = portable();
    expect(Object.isFrozen(host)).toBe(true);
    expect(() => {
      (host as { sched_yield: () => number }).sched_yield = () => errno.perm;
    }).toThrow(TypeError);
  });

  it("carry the WASI functions and close(), and nothing an enumerable Object.prototype property brings", () => {
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.polluted = () => 0;
    try {
      const host = portable();
      expect(Object.keys(host).sort()).toEqual([...Object.keys(unimplementedPreview1Host()), "close"].sort());
      const memory = new GuestMemory();
      memory.attach(new WebAssembly.Memory({ initial: 1 }));
      expect(createPreview1Imports(host, memory).sched_yield()).toBe(errno.success);
    } finally {
      delete prototype.polluted;
    }
  });
});
