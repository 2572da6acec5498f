/**
 * A child process for the returnOnExit-false tests: runs a guest that writes
 * "before exit" to stdout and calls proc_exit(<code>), with WASI options chosen
 * by <form>, and reports on stderr what ran afterwards.
 *
 *   node --import tsx test/support/exit-child.ts <ours|node> <form> <code>
 *
 * form: "node18"  — no version, returnOnExit left to its default
 *       "false"   — version preview1, returnOnExit: false
 *       "worker"  — "false", but inside a worker thread; the main thread
 *                   reports the worker's exit and whether it outlived it
 */
import { isMainThread, Worker, workerData } from "node:worker_threads";
import { WASI as NodeWASI } from "node:wasi";
import { WASI as OurWASI } from "../../src/wasi/wasi.js";
import { putText, toolkitModule, type ToolkitExports } from "./toolkit-guest.js";

interface Job {
  implementation: "ours" | "node";
  form: "node18" | "false" | "worker";
  code: number;
}

function runGuest(job: Job): void {
  const options = job.form === "node18" ? { args: ["exit"] } : { version: "preview1" as const, args: ["exit"], returnOnExit: false };
  const wasi = job.implementation === "node" ? new NodeWASI(options as never) : new OurWASI(options);
  const module = toolkitModule({
    entry: "_start",
    data: { 256: "before exit\n" },
    entryBody: `(drop (call $write (i32.const 1) (i32.const 0x100) (i32.const 12))) (call $exit (i32.const ${job.code}))`,
  });
  const instance = new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports);
  const exports = instance.exports as unknown as ToolkitExports;
  putText(exports.memory, 0x200, "unused");
  const returned = wasi.start(instance);
  process.stderr.write(`start returned ${returned}\n`);
}

process.on("exit", (code) => process.stderr.write(`${isMainThread ? "process" : "worker"} exit listener ran with ${code}\n`));

const [implementation, form, code] = process.argv.slice(2);
if (isMainThread) {
  const job: Job = { implementation: implementation as Job["implementation"], form: form as Job["form"], code: Number(code) };
  if (job.form === "worker") {
    // Loader hooks given with --import do not reach workers here, so the worker registers tsx itself.
    const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(bootstrap, { eval: true, workerData: job });
    worker.on("exit", (exitCode) => {
      process.stderr.write(`worker ended with ${exitCode}\n`);
      setTimeout(() => process.stderr.write("main thread outlived the worker\n"), 50);
    });
  } else {
    runGuest(job);
  }
} else {
  runGuest(workerData as Job);
}
