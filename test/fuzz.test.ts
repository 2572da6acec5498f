// The fuzzer, on a short budget: every generated wasi_snapshot_preview1 import is
// called with random and hostile arguments against our Node host and a temporary
// preopen; any host exception, non-errno result, stray write to guest memory, fd
// leak, or change outside the preopens fails the run and prints how to replay it.
// The long run is `npm run fuzz`. The second half checks that each of those
// checks really fires, by putting a faulty layer between the fuzzer and the host.
// Budgets are in calls, not time; the timeouts only leave room for a loaded machine.
import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCampaign, runCampaignEpisode } from "./fuzz/campaign.js";
import { drawConfig, factsFor, runEpisode, type EngineOptions, type ImportTable } from "./fuzz/engine.js";
import { episodeSeed, Prng } from "./fuzz/prng.js";
import { describeReproduction, shrinkFailure } from "./fuzz/shrink.js";
import { maxSinkWrite } from "../src/impl/stdio/output-sink.js";

function failureReport(result: ReturnType<typeof runCampaign>): string {
  return result.failures
    .map(
      (found) =>
        `${found.failure.kind} in ${found.failure.fn} (seed ${found.seed}, episode ${found.episode}, call ${found.failure.callIndex}):\n${found.failure.detail}`,
    )
    .join("\n\n");
}

describe("fuzzer on our host (short budget)", () => {
  it("reads the import list from the generated glue and covers every import", () => {
    const names = factsFor("preview1").functions.map((spec) => spec.name);
    expect(names).toHaveLength(46);
    const result = runCampaign({ seed: 0x5eed, calls: 6000, callsPerEpisode: 1500, versions: ["preview1"] });
    for (const name of names.filter((name) => name !== "proc_exit")) expect(result.perFunction.get(name) ?? 0, name).toBeGreaterThan(0);
    expect(result.failures, failureReport(result)).toEqual([]);
  }, 60_000);

  it("sends lists of overlapping buffers adding up to more than 2^31 and 2^32 bytes", () => {
    // Those need a large-memory episode; this seed's first episode is one, with stdout on a JavaScript sink.
    const result = runCampaign({ seed: 196, calls: 1000, callsPerEpisode: 1000, versions: ["preview1"], engine: { slowCallMs: 5000 } });
    expect(result.listsOver2e31).toBeGreaterThan(0);
    expect(result.listsOver2e32).toBeGreaterThan(0);
    expect(result.failures, failureReport(result)).toEqual([]);
  }, 60_000);

  it.each([1, 2, 3])(
    "finds nothing wrong with seed %i (preview1 and wasi_unstable)",
    (seed) => {
      const result = runCampaign({ seed, calls: 3000, callsPerEpisode: 750, versions: ["preview1", "unstable"] });
      expect(result.calls).toBe(3000);
      expect(result.failures, failureReport(result)).toEqual([]);
    },
    60_000,
  );
});

describe("fuzzer: reproducible", () => {
  it("gives the same stream for the same seed, and a different one for another seed", () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const streamA = Array.from({ length: 16 }, () => a.u32());
    expect(Array.from({ length: 16 }, () => b.u32())).toEqual(streamA);
    expect(Array.from({ length: 16 }, () => c.u32())).not.toEqual(streamA);
    expect(episodeSeed(7, 0)).not.toBe(episodeSeed(7, 1));
  });

  it("replays an episode call for call from its seed and index", () => {
    const shape = (seed: number, index: number) =>
      runCampaignEpisode(seed, index, 300, ["preview1"]).calls.map(
        (call) =>
          `${call.fn}(${call.args.join(",")}) ${call.grow} ${call.writes.map((write) => `${write.address}+${write.bytes.length}`).join(" ")}`,
      );
    const first = shape(9, 4);
    expect(shape(9, 4)).toEqual(first);
    expect(shape(9, 5)).not.toEqual(first);
  }, 30_000);
});

describe("fuzzer: each check fires on a faulty host", { timeout: 30_000 }, () => {
  const config = { ...drawConfig(new Prng(1), "preview1"), badPointer: "trap" as const, exitCode: null, trace: false };

  /** Runs an episode with `fault` applied to the import `name`. */
  function withFault(
    name: string,
    fault: (
      original: (...args: (number | bigint)[]) => unknown,
      context: Parameters<NonNullable<EngineOptions["wrapImports"]>>,
    ) => (...args: (number | bigint)[]) => unknown,
  ) {
    const wrap: EngineOptions["wrapImports"] = (imports, memory, world, stdoutSink) => {
      const wrapped: ImportTable = { ...imports };
      wrapped[name] = fault(imports[name], [imports, memory, world, stdoutSink]);
      return wrapped;
    };
    const options = { wrapImports: wrap };
    return { ...runEpisode(config, { seed: 77, calls: 1500 }, options), options };
  }

  const kinds = (result: ReturnType<typeof runEpisode>) => result.failures.map((failure) => `${failure.kind} / ${failure.fn}`);

  it("an exception out of an import", () => {
    const result = withFault("sched_yield", () => () => {
      throw new TypeError("boom");
    });
    expect(kinds(result)).toContain("host exception / sched_yield");
  });

  it("a result that is not an errno", () => {
    expect(kinds(withFault("clock_res_get", () => () => undefined))).toContain("not an errno / clock_res_get");
  });

  it("a write to guest memory outside the call's buffers, and the shrunk reproduction of it", () => {
    const result = withFault("sched_yield", (original, [, memory]) => () => {
      const bytes = new Uint8Array(memory.buffer);
      bytes[bytes.length - 1] ^= 0xff;
      return original();
    });
    expect(kinds(result)).toContain("wrote guest memory outside its buffers / sched_yield");
    const failure = result.failures.find((found) => found.fn === "sched_yield")!;
    const shrunk = shrinkFailure(result, failure, result.options);
    expect(shrunk.calls.map((call) => call.fn)).toEqual(["sched_yield"]);
    expect(describeReproduction(shrunk)).toContain("#0 sched_yield()");
  });

  it("the outside canary's secret in guest memory", () => {
    const result = withFault("random_get", (original, [, memory, world]) => (buffer, length) => {
      const error = original(buffer, length);
      const secret = Buffer.from(world.secret);
      if (error === 0 && Number(length) >>> 0 >= secret.length) new Uint8Array(memory.buffer).set(secret, Number(buffer) >>> 0);
      return error;
    });
    expect(kinds(result)).toContain("read the outside canary into guest memory / random_get");
  });

  it("an fd left open after close(), a file created outside, a canary copied in", () => {
    const result = withFault("sched_yield", (original, [, , world]) => () => {
      fs.openSync(join(world.near, "canary.txt"), "r");
      fs.writeFileSync(join(world.near, "planted"), "x");
      fs.copyFileSync(join(world.near, "canary.txt"), join(world.sandbox, "stolen"));
      return original();
    });
    const found = kinds(result);
    expect(found).toContain("fd leak / null");
    expect(found).toContain("changed outside the preopens / null");
    expect(found).toContain("a canary got into a preopen / null");
    expect(result.failures.find((failure) => failure.kind === "fd leak")!.detail).toContain("canary.txt");
  });

  it("a JavaScript sink handed one copy larger than maxSinkWrite", () => {
    const result = withFault("sched_yield", (original, [, , , stdoutSink]) => () => {
      stdoutSink(new Uint8Array(maxSinkWrite + 1));
      return original();
    });
    expect(kinds(result)).toContain("oversized sink delivery / sched_yield");
  });

  it("the embedder's stdio fd closed by the host", () => {
    let closed = false;
    const result = withFault("sched_yield", (original) => () => {
      if (!closed) {
        closed = true;
        // The engine's stdio are the newest /dev/null fds in the process.
        const isDevNull = (fd: number): boolean => {
          try {
            return fs.readlinkSync(`/proc/self/fd/${fd}`) === "/dev/null";
          } catch {
            return false;
          }
        };
        const target = fs.readdirSync("/proc/self/fd").map(Number).filter(isDevNull).pop();
        if (target !== undefined) fs.closeSync(target);
      }
      return original();
    });
    expect(kinds(result)).toContain("the embedder's stdio fd was closed or replaced / null");
  });
});
