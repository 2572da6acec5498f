/**
 * The WASI class of the portable entry point: the same class as the Node one,
 * over the portable host (src/impl/portable), so it runs wherever WebAssembly
 * and web APIs do. What it cannot have without Node, it refuses clearly:
 * host fd numbers for stdio and host directories as preopens. By default
 * stdin is empty and stdout/stderr go to console.log/console.error by line.
 */
import type { FileDescription } from "../impl/description.js";
import { ConsoleLineSink } from "../impl/stdio/console-sink.js";
import { InputSourceDescription } from "../impl/stdio/input-source.js";
import type { StdioSlot } from "./stdio-options.js";
import { buildPortableHost } from "./core-wasi.js";
import { WasiBase, type WasiBaseOptions, type WasiPlatform } from "./wasi-base.js";

const stdioNames = ["stdin", "stdout", "stderr"] as const;

function noHostFds(slot: StdioSlot, index: number): FileDescription {
  if (typeof slot !== "number") return slot;
  throw new TypeError(
    `options.${stdioNames[index]}: host fd ${slot} needs the Node entry point ("witx-wasi"); ` +
      "the portable entry point takes stdio.stdin as a string, bytes or a source function, and stdio.stdout/stderr as a function, captureOutput() or a writable",
  );
}

/** How the portable WASI builds its host; the browser's worker runner builds on it too. */
export const portablePlatform: WasiPlatform = {
  defaultStdio: (parsed, options) => [
    options.stdin === undefined ? new InputSourceDescription("") : parsed.stdin,
    options.stdout === undefined ? new ConsoleLineSink((line) => console.log(line)) : parsed.stdout,
    options.stderr === undefined ? new ConsoleLineSink((line) => console.error(line)) : parsed.stderr,
  ],
  createHost(setup) {
    if (setup.parsed.preopens.length > 0) {
      // The wording predates the entry point's name "portable"; tests and users match on it.
      throw new TypeError(
        'options.preopens names host directories, which the core entry point cannot open; use the Node entry point ("witx-wasi")',
      );
    }
    const [stdin, stdout, stderr] = setup.stdio.map(noHostFds);
    const { time, random } = setup;
    return buildPortableHost(
      {
        args: setup.parsed.args,
        env: setup.env,
        stdin,
        stdout,
        stderr,
        limits: setup.limits,
        onExit: setup.onExit,
        ...(time === null ? {} : { clock: time.clock, sleep: time.sleep }),
        ...(random === null ? {} : { random }),
      },
      setup.mounts,
    );
  },
  traceLine: (line) => console.error(`[wasi] ${line}`),
  warn: (text) => console.warn(text),
  // preview0 and tracing only when the embedder imports them (options.features), so bundles stay small.
  features: [],
};

/** The WASI class without Node: node:wasi's interface over the portable host. */
/**
 * The WASI class of `witx-wasi/core`: the same API as the Node entry point's,
 * over a host that needs only web APIs, for browsers, workers and other
 * runtimes. Files come from in-memory directories and mounted files
 * (`mounts`); stdio from strings, bytes, callbacks and `captureOutput()`.
 *
 *     const stdout = captureOutput();
 *     const wasi = new WASI({ version: "preview1", stdio: { stdout }, mounts: { "/mem": new MemoryDirectory() } });
 *     wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
 */
export class WASI extends WasiBase {
  constructor(options?: WasiBaseOptions) {
    super(options, portablePlatform);
  }
}
