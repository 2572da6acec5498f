/**
 * A fuzz campaign: episodes one after another until the call budget is
 * spent. Episode `e` of seed `s` is fully determined by (s, e), so any
 * failure is replayed with `--seed s --episode e`.
 */
import { drawConfig, runEpisode, type EngineOptions, type EpisodeResult, type Failure } from "./engine.js";
import { episodeSeed, Prng } from "./prng.js";
import type { WitxVersion } from "./signatures.js";

export interface CampaignOptions {
  readonly seed: number;
  readonly calls: number;
  readonly callsPerEpisode: number;
  readonly versions: readonly WitxVersion[];
  /** Start at this episode (replays start at the failing one). */
  readonly firstEpisode?: number;
  /** Stop after this many episodes (a replay runs one). */
  readonly maxEpisodes?: number;
  /** Stop once this many distinct failures were seen. */
  readonly maxDistinctFailures?: number;
  readonly onEpisode?: (episode: number, result: EpisodeResult) => void;
  readonly engine?: EngineOptions;
}

export interface FoundFailure {
  readonly seed: number;
  readonly episode: number;
  readonly failure: Failure;
  readonly result: EpisodeResult;
}

export interface CampaignResult {
  readonly calls: number;
  readonly episodes: number;
  readonly traps: number;
  readonly seconds: number;
  /** One per distinct (kind, function), the first found. */
  readonly failures: readonly FoundFailure[];
  /** How many failing calls or checks in all, repeats included. */
  readonly failureCount: number;
  readonly perFunction: ReadonlyMap<string, number>;
  readonly successes: ReadonlyMap<string, number>;
  /** Calls whose list of repeated buffers added up to more than 2^31 bytes, and to more than 2^32. */
  readonly listsOver2e31: number;
  readonly listsOver2e32: number;
}

/** Episode `index` of a campaign: its configuration and generator seed. */
export function runCampaignEpisode(
  seed: number,
  index: number,
  calls: number,
  versions: readonly WitxVersion[],
  engine: EngineOptions = {},
): EpisodeResult {
  const prng = new Prng(episodeSeed(seed, index));
  const version = versions[index % versions.length];
  const config = drawConfig(prng, version);
  return runEpisode(config, { seed: prng.u32(), calls }, engine);
}

export function runCampaign(options: CampaignOptions): CampaignResult {
  const started = performance.now();
  const failures: FoundFailure[] = [];
  const seen = new Set<string>();
  const perFunction = new Map<string, number>();
  const successes = new Map<string, number>();
  let calls = 0;
  let traps = 0;
  let episodes = 0;
  let failureCount = 0;
  let listsOver2e31 = 0;
  let listsOver2e32 = 0;
  const maxDistinct = options.maxDistinctFailures ?? Infinity;
  for (let index = options.firstEpisode ?? 0; calls < options.calls; index++) {
    if (options.maxEpisodes !== undefined && episodes >= options.maxEpisodes) break;
    const budget = Math.min(options.callsPerEpisode, options.calls - calls);
    const result = runCampaignEpisode(options.seed, index, budget, options.versions, options.engine);
    episodes++;
    calls += result.stats.calls;
    traps += result.stats.traps;
    listsOver2e31 += result.stats.listsOver2e31;
    listsOver2e32 += result.stats.listsOver2e32;
    for (const [fn, count] of result.stats.perFunction) perFunction.set(fn, (perFunction.get(fn) ?? 0) + count);
    for (const [fn, count] of result.stats.successes) successes.set(fn, (successes.get(fn) ?? 0) + count);
    failureCount += result.failures.length;
    for (const failure of result.failures) {
      const key = `${result.config.version} ${failure.kind} ${failure.fn}`;
      if (seen.has(key)) continue;
      seen.add(key);
      failures.push({ seed: options.seed, episode: index, failure, result });
    }
    options.onEpisode?.(index, result);
    if (failures.length >= maxDistinct) break;
  }
  return {
    calls,
    episodes,
    traps,
    seconds: (performance.now() - started) / 1000,
    failures,
    failureCount,
    perFunction,
    successes,
    listsOver2e31,
    listsOver2e32,
  };
}
