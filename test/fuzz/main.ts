/**
 * The long fuzz run:
 *
 *   node --import tsx test/fuzz/main.ts [--calls N] [--seed S] [--episode-calls K]
 *        [--version preview1|unstable|both] [--episode E] [--no-shrink] [--max-failures M]
 *        [--slow-ms T]
 *
 * --calls          total import calls (default 1,000,000)
 * --seed           campaign seed (default: drawn from the clock, printed first)
 * --episode-calls  calls per episode, i.e. per fresh world and WASI object (default 1000)
 * --episode        replay only this episode of the seed (shows and shrinks its failures)
 * --slow-ms        report a call slower than T ms (default 250; 0 turns it off): a
 *                  guest making one call stall or balloon the host is a bug too
 *
 * Prints progress every few seconds, then the totals, calls per second, and
 * each distinct failure with the seed and episode to replay it and a shrunk
 * list of calls. Exits 1 when anything failed.
 */
import { runCampaign, type FoundFailure } from "./campaign.js";
import type { EngineOptions } from "./engine.js";
import { describeReproduction, shrinkFailure } from "./shrink.js";
import type { WitxVersion } from "./signatures.js";

interface Cli {
  calls: number;
  seed: number;
  callsPerEpisode: number;
  versions: WitxVersion[];
  episode: number | null;
  shrink: boolean;
  maxFailures: number;
  slowMs: number;
}

function parseCli(argv: readonly string[]): Cli {
  const cli: Cli = {
    calls: 1_000_000,
    seed: (Date.now() ^ (process.pid << 16)) >>> 0,
    callsPerEpisode: 1000,
    versions: ["preview1"],
    episode: null,
    shrink: true,
    maxFailures: 25,
    slowMs: 250,
  };
  const number = (flag: string, text: string | undefined): number => {
    const value = Number(text?.replaceAll("_", ""));
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${flag} needs a non-negative integer, got ${text}`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case "--calls":
        cli.calls = number(flag, argv[++i]);
        break;
      case "--seed":
        cli.seed = number(flag, argv[++i]) >>> 0;
        break;
      case "--episode-calls":
        cli.callsPerEpisode = Math.max(1, number(flag, argv[++i]));
        break;
      case "--episode":
        cli.episode = number(flag, argv[++i]);
        break;
      case "--version": {
        const value = argv[++i];
        if (value === "both") cli.versions = ["preview1", "unstable"];
        else if (value === "preview1" || value === "unstable") cli.versions = [value];
        else throw new Error(`--version is preview1, unstable or both, got ${value}`);
        break;
      }
      case "--slow-ms":
        cli.slowMs = number(flag, argv[++i]);
        break;
      case "--no-shrink":
        cli.shrink = false;
        break;
      case "--max-failures":
        cli.maxFailures = Math.max(1, number(flag, argv[++i]));
        break;
      default:
        throw new Error(`unknown option ${flag} (see the top of test/fuzz/main.ts)`);
    }
  }
  return cli;
}

function report(found: FoundFailure, cli: Cli): string {
  const { shrink, versions } = cli;
  const replay =
    `--seed ${found.seed} --episode ${found.episode}${versions.length > 1 ? " --version both" : ""}` +
    ` --episode-calls ${found.result.calls.length} --slow-ms ${cli.slowMs}`;
  const head = `replay: node --import tsx test/fuzz/main.ts ${replay}`;
  if (!shrink) {
    const { failure } = found;
    return `${failure.kind}${failure.fn === null ? "" : ` in ${failure.fn}`} (call ${failure.callIndex ?? "-"})\n  ${failure.detail}\n  ${head}`;
  }
  return `${describeReproduction(shrinkFailure(found.result, found.failure, engineOptions(cli)))}\n  ${head}`;
}

function engineOptions(cli: Cli): EngineOptions {
  return cli.slowMs > 0 ? { slowCallMs: cli.slowMs } : {};
}

function main(): void {
  const cli = parseCli(process.argv.slice(2));
  console.log(`fuzzing ${cli.versions.join(" + ")} with seed ${cli.seed}: ${cli.calls} calls, ${cli.callsPerEpisode} per episode`);
  let lastReport = performance.now();
  const started = performance.now();
  let calls = 0;
  const result = runCampaign({
    seed: cli.seed,
    calls: cli.episode === null ? cli.calls : cli.callsPerEpisode,
    callsPerEpisode: cli.callsPerEpisode,
    versions: cli.versions,
    firstEpisode: cli.episode ?? 0,
    maxEpisodes: cli.episode === null ? undefined : 1,
    maxDistinctFailures: cli.maxFailures,
    engine: engineOptions(cli),
    onEpisode: (episode, episodeResult) => {
      calls += episodeResult.stats.calls;
      const now = performance.now();
      if (now - lastReport > 5000) {
        lastReport = now;
        const seconds = (now - started) / 1000;
        console.log(`  ${calls} calls, episode ${episode}, ${Math.round(calls / seconds)} calls/s`);
      }
    },
  });
  const rate = Math.round(result.calls / result.seconds);
  console.log(
    `done: ${result.calls} calls in ${result.episodes} episodes, ${result.seconds.toFixed(1)} s, ${rate} calls/s; ` +
      `${result.traps} bad-pointer traps; ${result.failureCount} failure(s), ${result.failures.length} distinct`,
  );
  console.log(`lists of repeated buffers over 2^31 bytes: ${result.listsOver2e31} calls, over 2^32: ${result.listsOver2e32}`);
  const functions = [...result.perFunction].sort((a, b) => a[0].localeCompare(b[0]));
  console.log(
    `calls (successes) per function: ${functions.map(([fn, count]) => `${fn} ${count} (${result.successes.get(fn) ?? 0})`).join(", ")}`,
  );
  for (const found of result.failures) console.log(`\n${report(found, cli)}`);
  if (result.failures.length > 0) process.exitCode = 1;
}

main();
