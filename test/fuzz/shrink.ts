/**
 * Cuts a failing episode down to a short call list that still fails the
 * same way (delta debugging: drop chunks of calls, then single calls, then
 * the memory writes of what is left), and prints it readably.
 */
import { factsFor, runEpisode, type EngineOptions, type EpisodeConfig, type EpisodeResult, type Failure } from "./engine.js";
import type { FuzzCall } from "./generate.js";

export interface Reproduction {
  readonly config: EpisodeConfig;
  readonly calls: readonly FuzzCall[];
  readonly failure: Failure;
  /** Replays spent shrinking. */
  readonly replays: number;
  /**
   * Whether replaying reproduced the failure at all. A slow call that does not
   * come back on replay was the machine (load, a GC pause), not the host.
   */
  readonly reproduced: boolean;
}

/** Failures count as "the same" when kind and function agree. */
function sameFailure(a: Failure, b: Failure): boolean {
  return a.kind === b.kind && a.fn === b.fn;
}

/** `options` must be the ones the episode ran with. */
export function shrinkFailure(episode: EpisodeResult, failure: Failure, options: EngineOptions = {}, budget = 400): Reproduction {
  const root = episode.root;
  let replays = 0;
  let found = failure;
  const reproduces = (calls: readonly FuzzCall[]): boolean => {
    if (replays >= budget) return false;
    replays++;
    const result = runEpisode(episode.config, { replay: calls, root }, options);
    const match = result.failures.find((candidate) => sameFailure(candidate, failure));
    if (match !== undefined) found = match;
    return match !== undefined;
  };

  // A per-call failure needs nothing after its call.
  let calls = failure.callIndex === null ? [...episode.calls] : episode.calls.slice(0, failure.callIndex + 1);
  // Most per-call failures need no history: try the failing call on its own first.
  const alone = failure.callIndex === null ? null : [episode.calls[failure.callIndex]];
  if (alone !== null && reproduces(alone)) calls = alone;
  else if (!reproduces(calls)) return { config: episode.config, calls: alone ?? calls, failure, replays, reproduced: false };

  for (let chunk = Math.max(1, calls.length >> 1); chunk >= 1; chunk >>= 1) {
    for (let start = 0; start < calls.length; ) {
      const candidate = [...calls.slice(0, start), ...calls.slice(start + chunk)];
      if (candidate.length > 0 && reproduces(candidate)) calls = candidate;
      else start += chunk;
    }
  }
  // Memory writes the failure does not need (the junk, mostly).
  for (let index = 0; index < calls.length; index++) {
    for (let write = calls[index].writes.length - 1; write >= 0; write--) {
      const call = calls[index];
      const writes = [...call.writes.slice(0, write), ...call.writes.slice(write + 1)];
      const candidate = [...calls.slice(0, index), { ...call, writes }, ...calls.slice(index + 1)];
      if (reproduces(candidate)) calls = candidate;
    }
  }
  return { config: episode.config, calls, failure: found, replays, reproduced: true };
}

function shown(bytes: Uint8Array): string {
  const cut = bytes.length > 96 ? bytes.subarray(0, 96) : bytes;
  let text = "";
  for (const byte of cut) {
    text +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return `"${text}"${bytes.length > cut.length ? `... (${bytes.length} bytes)` : ""}`;
}

/** One call as `name(param=value, ...)` plus the memory it set up. */
function describeCall(config: EpisodeConfig, call: FuzzCall): string {
  const spec = factsFor(config.version).functions.find((candidate) => candidate.name === call.fn);
  const args = call.args.map((value, index) => {
    const name = spec?.params[index]?.name ?? `arg${index}`;
    const shown = typeof value === "bigint" ? `${BigInt.asUintN(64, value)}n` : `${value >>> 0}`;
    return `${name}=${shown}`;
  });
  const lines = [`${call.fn}(${args.join(", ")})`];
  if (call.grow > 0) lines.push(`  after memory.grow(${call.grow})`);
  for (const write of call.writes) lines.push(`  mem[0x${write.address.toString(16)}] = ${shown(write.bytes)}`);
  return lines.join("\n");
}

export function describeReproduction(reproduction: Reproduction): string {
  const { config } = reproduction;
  const setup =
    `${config.version}, badPointer ${config.badPointer}, ${config.sharedMemory ? "shared " : ""}memory ${config.initialPages}..${config.maxPages} pages` +
    `${config.trace ? ", trace on" : ""}, memory filled from seed ${config.fillSeed}, args ${JSON.stringify(config.args)}, env ${JSON.stringify(config.env)}`;
  return [
    `${reproduction.failure.kind}${reproduction.failure.fn === null ? "" : ` in ${reproduction.failure.fn}`}`,
    `  ${reproduction.failure.detail.split("\n").join("\n  ")}`,
    `  setup: ${setup}`,
    reproduction.reproduced
      ? `  ${reproduction.calls.length} call(s) (shrunk with ${reproduction.replays} replays):`
      : `  DID NOT REPRODUCE on replay (timing: machine load or a GC pause?); the call was:`,
    ...reproduction.calls.map((call, index) => `  #${index} ${describeCall(config, call).split("\n").join("\n     ")}`),
  ].join("\n");
}
