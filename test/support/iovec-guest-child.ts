/**
 * Child-process half of test/iovec-amplification.test.ts: runs
 * test/guests/bin/embedding/iovecs.wasm once, on our WASI class or on
 * node:wasi, with the host's /dev preopened (fd 3), stdin and stdout on
 * /dev/null or stdout delivered to JavaScript, and the guest's stderr (its
 * report) in a file; prints one JSON line. A child of its own, because the
 * defect this guards against hangs the thread in a host call, where no
 * test timeout can reach it.
 *
 *   node --import tsx test/support/iovec-guest-child.ts <ours|node> <devnull|callback|capture> <guest args...>
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WASI as NodeWASI } from "node:wasi";
import { WASI as OurWASI, captureOutput } from "../../src/index.js";

export interface IovecRun {
  exitCode?: number;
  error?: string;
  /** What the guest printed on stderr. */
  report: string;
  /** With stdout delivered to JavaScript: how many deliveries, the largest, and the bytes in all. */
  deliveries?: { count: number; largest: number; total: number };
  /** Growth of memory outside the V8 heap over the run, in bytes. */
  arrayBufferGrowth: number;
}

const guest = new URL("../guests/bin/embedding/iovecs.wasm", import.meta.url);

function run(implementation: string, sink: string, args: string[]): IovecRun {
  const scratch = mkdtempSync(join(tmpdir(), "iovecs-"));
  const stdin = openSync("/dev/null", "r");
  const stdout = openSync("/dev/null", "w");
  const stderrPath = join(scratch, "stderr");
  const stderr = openSync(stderrPath, "w");
  const deliveries = { count: 0, largest: 0, total: 0 };
  const capture = captureOutput();
  const count = (bytes: Uint8Array): void => {
    deliveries.count++;
    deliveries.largest = Math.max(deliveries.largest, bytes.length);
    deliveries.total += bytes.length;
  };
  const before = process.memoryUsage().arrayBuffers;
  const result: IovecRun = { report: "", arrayBufferGrowth: 0 };
  try {
    const options = {
      version: "preview1" as const,
      args: ["iovecs", ...args],
      env: {},
      preopens: { "/dev": "/dev" },
      stdin,
      stdout,
      stderr,
      returnOnExit: true,
    };
    let wasi: { getImportObject(): object; start(instance: WebAssembly.Instance): number };
    if (implementation === "node") {
      wasi = new NodeWASI(options);
    } else if (sink === "callback") {
      wasi = new OurWASI({ ...options, stdio: { stdout: count } });
    } else if (sink === "capture") {
      wasi = new OurWASI({ ...options, stdio: { stdout: capture } });
    } else {
      wasi = new OurWASI(options);
    }
    const module = new WebAssembly.Module(readFileSync(guest));
    result.exitCode = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports));
  } catch (error) {
    result.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } finally {
    for (const fd of [stdin, stdout, stderr]) {
      try {
        closeSync(fd);
      } catch {
        // node:wasi closes a host fd itself when the guest closes it.
      }
    }
  }
  result.arrayBufferGrowth = process.memoryUsage().arrayBuffers - before;
  if (sink === "callback") result.deliveries = deliveries;
  if (sink === "capture") {
    const bytes = capture.bytes();
    result.deliveries = { count: -1, largest: -1, total: bytes.length };
  }
  result.report = readFileSync(stderrPath, "utf8");
  rmSync(scratch, { recursive: true, force: true });
  return result;
}

const [implementation, sink, ...args] = process.argv.slice(2);
process.stdout.write(`${JSON.stringify(run(implementation, sink, args))}\n`);
