// The benchmark cases: which workload runs with which arguments, what one
// operation is, and the target ratio (ours / node:wasi ops per second).
// Guest paths are under /sandbox, the preopen of the fixture directory.
import {
  BIG_FILE_BYTES,
  BLOCK,
  DIRECTORY_ENTRIES,
  ENV_COUNT,
  PROBE_DIRS,
  SMALL_FILE_BYTES,
  TREE_DIRS,
  TREE_FILES,
  benchEnvironment,
} from "./fixtures.mjs";

export const GUEST_ROOT = "/sandbox";

/** @typedef {{ name: string, op: string, wasm: string, args: (n: number) => string[], env?: () => Record<string,string>, target: number, probe: number }} Case */

/** @type {Case[]} */
export const CASES = [
  { name: "clock", op: "clock_gettime(MONOTONIC)", wasm: "clock", args: (n) => [String(n)], target: 0.9, probe: 20000 },
  { name: "random", op: "getentropy(32 B)", wasm: "random", args: (n) => [String(n)], target: 3, probe: 20000 },
  {
    name: "write-file",
    op: "write(2) 16 B to a file",
    wasm: "write_file",
    args: (n) => [String(n), `${GUEST_ROOT}/work/write.bin`],
    target: 0.9,
    probe: 20000,
  },
  {
    name: "write-stdout",
    op: "write(2) 16 B to stdout (/dev/null)",
    wasm: "write_stdout",
    args: (n) => [String(n)],
    target: 0.9,
    probe: 20000,
  },
  {
    name: "open-close",
    op: "open + close an existing file",
    wasm: "open_close",
    args: (n) => [String(n), `${GUEST_ROOT}/small.txt`],
    target: 1.3,
    probe: 5000,
  },
  {
    name: "open-close-d1",
    op: "open + close `d/file`",
    wasm: "open_close",
    args: (n) => [String(n), `${GUEST_ROOT}/d/file`],
    target: 1.2,
    probe: 5000,
  },
  {
    name: "open-close-d3",
    op: "open + close `a/b/c/file`",
    wasm: "open_close",
    args: (n) => [String(n), `${GUEST_ROOT}/a/b/c/file`],
    target: 1.2,
    probe: 5000,
  },
  {
    name: "read-4k",
    op: "read(2) 4 KiB, sequential",
    wasm: "read4k",
    args: (n) => [String(n), `${GUEST_ROOT}/big.bin`],
    target: 0.9,
    probe: 10000,
  },
  {
    name: "readdir",
    op: `opendir + readdir ${DIRECTORY_ENTRIES} entries + closedir`,
    wasm: "readdir",
    args: (n) => [String(n), `${GUEST_ROOT}/dir1000`, String(DIRECTORY_ENTRIES)],
    target: 3,
    probe: 50,
  },
  {
    name: "stat",
    op: "stat(2) a file",
    wasm: "stat",
    args: (n) => [String(n), `${GUEST_ROOT}/small.txt`, String(SMALL_FILE_BYTES)],
    target: 1.0,
    probe: 5000,
  },
  {
    name: "stat-d1",
    op: "stat(2) `d/file`",
    wasm: "stat",
    args: (n) => [String(n), `${GUEST_ROOT}/d/file`, String(SMALL_FILE_BYTES)],
    target: 1.0,
    probe: 5000,
  },
  {
    name: "stat-d3",
    op: "stat(2) `a/b/c/file`",
    wasm: "stat",
    args: (n) => [String(n), `${GUEST_ROOT}/a/b/c/file`, String(SMALL_FILE_BYTES)],
    target: 1.0,
    probe: 5000,
  },
  {
    name: "stat-missing",
    op: `stat(2) of a missing name, in turn across ${PROBE_DIRS} directories`,
    wasm: "stat_missing",
    args: (n) => [String(n), `${GUEST_ROOT}/lib`, String(PROBE_DIRS), "missing.so"],
    target: 1.0,
    probe: 5000,
  },
  {
    name: "environ",
    op: `environ_sizes_get + environ_get, ${ENV_COUNT} vars`,
    wasm: "environ",
    args: (n) => [String(n), String(ENV_COUNT)],
    env: benchEnvironment,
    target: 1.0,
    probe: 200,
  },
  {
    name: "macro",
    op: `copy + verify + delete a tree of ${TREE_FILES} files in ${TREE_DIRS} dirs`,
    wasm: "macro",
    args: (n) => [String(n), `${GUEST_ROOT}/tree`, `${GUEST_ROOT}/work/copy`, String(TREE_FILES), String(TREE_DIRS)],
    target: 1.0,
    probe: 3,
  },
];

/**
 * Forwarded calls (bench/forwarded.mjs): the same workloads through the worker
 * runner, with a fixed N per run (a forwarded call costs microseconds, so a count
 * calibrated on node:wasi would run for minutes). No target: the in-thread host
 * is the default and these figures say what the worker mode costs.
 */
export const FORWARDED_CASES = [
  // Read in the worker itself (the Node host's own clock, served natively there): as cheap as in-thread.
  {
    name: "clock",
    op: "clock_gettime(MONOTONIC), read in the worker",
    wasm: "clock",
    args: (n) => [String(n)],
    n: { quick: 300000, full: 3000000 },
    inThreadScale: 1,
  },
  {
    name: "write-stdout",
    op: "write(2) 16 B to stdout (/dev/null), forwarded",
    wasm: "write_stdout",
    args: (n) => [String(n)],
    n: { quick: 3000, full: 30000 },
    inThreadScale: 100,
  },
];

/** Target for the geometric mean of the case ratios. */
export const GEOMEAN_TARGET = 1.3;

/** Peak RSS of ours may exceed node:wasi's by at most this much. */
export const RSS_LIMIT_MIB = 3;

/** The peak-RSS measurement: one pass over the 64 MiB file in 4 KiB reads. */
export const RSS_CASE = {
  wasm: "read4k",
  reads: BIG_FILE_BYTES / BLOCK,
  args: () => [String(BIG_FILE_BYTES / BLOCK), `${GUEST_ROOT}/big.bin`],
};
