/**
 * A worker that dies under the runner (process.exit inside it, out of memory,
 * death while a host call is pending) ends the run with GuestWorkerDied: no
 * hang, no unhandled rejection (vitest fails the file on one). The worker the
 * runner starts is replaced here by one that misbehaves on purpose; the rest of
 * the runner is the real one.
 */
import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { Worker } from "node:worker_threads";
import { describe, expect, it, vi } from "vitest";
import { forwardedFunctions } from "../src/generated/preview1/forward.js";
import { extendAsyncHost, GuestWorkerDied, runInWorker } from "../src/index.js";

const next = vi.hoisted(() => ({ worker: null as null | (() => unknown) }));
vi.mock("../src/worker/worker-script.js", () => ({ startGuestWorker: () => next.worker?.() }));

const hello = readFileSync(new URL("../examples/hello.wasm", import.meta.url));

describe("a dying worker", { timeout: 30_000 }, () => {
  it("process.exit inside the worker", async () => {
    next.worker = () => new Worker("process.exit(3)", { eval: true });
    const error = await runInWorker(hello, { version: "preview1" }).catch((caught) => caught);
    expect(error).toBeInstanceOf(GuestWorkerDied);
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/exited with code 3/);
  });

  it("out of memory in the worker", async () => {
    next.worker = () =>
      new Worker("const hoard = []; for (;;) hoard.push(new Array(1e5).fill(Math.random()));", {
        eval: true,
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      });
    const error = await runInWorker(hello, { version: "preview1" }).catch((caught) => caught);
    expect(error).toBeInstanceOf(GuestWorkerDied);
    expect(error.message).toMatch(/out of memory/i);
  });

  it("death while an async host call is pending; the late answer goes nowhere", async () => {
    const randomGet = forwardedFunctions.indexOf("random_get");
    // Posts random_get(1024, 4) on the channel the way the forwarders do, then exits.
    next.worker = () =>
      new Worker(
        `const { parentPort } = require("node:worker_threads");
         parentPort.once("message", (start) => {
           const control = new Int32Array(start.channel);
           control[1] = ${randomGet}; control[16] = 1024; control[18] = 4;
           Atomics.store(control, 0, 1); Atomics.notify(control, 0);
           setTimeout(() => process.exit(9), 50);
         });`,
        { eval: true },
      );
    let settleLate: () => void = () => {};
    const late = new Promise<void>((resolve) => (settleLate = resolve));
    const stdin = new PassThrough();
    const error = await runInWorker(hello, {
      version: "preview1",
      stdio: { stdin },
      host: (base) =>
        extendAsyncHost(base, () => ({
          random_get: () =>
            new Promise((_, reject) =>
              setTimeout(() => {
                reject(new Error("too late"));
                settleLate();
              }, 150),
            ),
        })),
    }).catch((caught) => caught);
    expect(error).toBeInstanceOf(GuestWorkerDied);
    expect(error.exitCode).toBe(9);
    expect(stdin.listenerCount("data")).toBe(0);
    await late;
  });
});
