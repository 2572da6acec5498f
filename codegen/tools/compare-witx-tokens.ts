/**
 * Maintainer check: our witx/ files must define exactly what the upstream
 * test data defines, while all prose stays our own.
 *
 *   node --import tsx codegen/tools/compare-witx-tokens.ts            # token streams
 *   node --import tsx codegen/tools/compare-witx-tokens.ts --overlap  # also: copied comment lines
 *
 * Token comparison drops comments and whitespace, so two files that differ only in
 * docs and layout compare equal. This is a quick sanity tool; the model-equality
 * tests are the real guarantee.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const upstreamRoot = join(projectRoot, "..", "shared", "witx-upstream");

/** Each of our files next to the upstream file it must match. */
const PAIRS: readonly (readonly [ours: string, upstream: string])[] = [
  ["witx/preview1/typenames.witx", "preview1/typenames.witx"],
  ["witx/preview1/wasi_snapshot_preview1.witx", "preview1/wasi_snapshot_preview1.witx"],
  ["witx/preview0/typenames.witx", "preview0/typenames.witx"],
  ["witx/preview0/wasi_unstable.witx", "preview0/wasi_unstable.witx"],
];

/** Overlap check ignores short lines: "Hangup." or "File type." are bound to coincide. */
const MIN_OVERLAP_LENGTH = 25;

interface Token {
  readonly text: string;
  readonly line: number;
}

interface Scanned {
  readonly tokens: Token[];
  /** Comment text without its `;;`/`;;;` marker, trimmed, one entry per comment line. */
  readonly comments: { readonly text: string; readonly line: number }[];
}

/** Splits witx text into parens, strings and atoms; collects line comments separately. */
function scan(source: string): Scanned {
  const tokens: Token[] = [];
  const comments: { text: string; line: number }[] = [];
  let line = 1;
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === "\n") {
      line++;
      i++;
    } else if (/\s/.test(ch)) {
      i++;
    } else if (source.startsWith(";;", i)) {
      const end = source.indexOf("\n", i);
      const stop = end === -1 ? source.length : end;
      comments.push({ text: source.slice(i, stop).replace(/^;+/, "").trim(), line });
      i = stop;
    } else if (ch === "(" || ch === ")") {
      tokens.push({ text: ch, line });
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"') j += source[j] === "\\" ? 2 : 1;
      tokens.push({ text: source.slice(i, j + 1), line });
      i = j + 1;
    } else {
      let j = i;
      while (j < source.length && !/[\s()";]/.test(source[j])) j++;
      if (j === i) throw new Error(`line ${line}: unexpected character ${JSON.stringify(ch)}`);
      tokens.push({ text: source.slice(i, j), line });
      i = j;
    }
  }
  return { tokens, comments };
}

/** Index of the first token where the streams disagree, or -1 when they are identical. */
function firstDifference(a: readonly Token[], b: readonly Token[]): number {
  const shared = Math.min(a.length, b.length);
  for (let k = 0; k < shared; k++) if (a[k].text !== b[k].text) return k;
  return a.length === b.length ? -1 : shared;
}

function describe(token: Token | undefined): string {
  return token ? `${JSON.stringify(token.text)} (line ${token.line})` : "end of file";
}

function main(): number {
  if (!existsSync(upstreamRoot)) {
    console.error(`upstream witx not found at ${upstreamRoot}; nothing to compare against`);
    return 2;
  }
  const checkOverlap = process.argv.includes("--overlap");
  let failures = 0;

  const scannedUpstream = PAIRS.map(([, up]) => scan(readFileSync(join(upstreamRoot, up), "utf8")));
  const upstreamComments = new Set(scannedUpstream.flatMap((s) => s.comments.map((c) => c.text)));

  PAIRS.forEach(([oursPath, upPath], index) => {
    const ours = scan(readFileSync(join(projectRoot, oursPath), "utf8"));
    const upstream = scannedUpstream[index];
    const at = firstDifference(ours.tokens, upstream.tokens);
    const counts = `${ours.tokens.length} tokens (upstream ${upstream.tokens.length})`;
    if (at === -1) {
      console.log(`${oursPath}: ${counts}: identical`);
    } else {
      failures++;
      console.log(`${oursPath}: ${counts}: DIFFERENT at token ${at}`);
      console.log(`  ours:     ${describe(ours.tokens[at])}`);
      console.log(`  upstream: ${describe(upstream.tokens[at])} in ${relative(projectRoot, join(upstreamRoot, upPath))}`);
    }

    if (checkOverlap) {
      const copied = ours.comments.filter((c) => c.text.length >= MIN_OVERLAP_LENGTH && upstreamComments.has(c.text));
      for (const c of copied) console.log(`  overlap: line ${c.line}: ${c.text}`);
      console.log(`${oursPath}: ${copied.length} comment line(s) found verbatim upstream`);
      failures += copied.length;
    }
  });

  return failures === 0 ? 0 : 1;
}

process.exitCode = main();
