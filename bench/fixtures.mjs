// The files the workloads run against, built once per benchmark run in a
// fresh directory on tmpfs (/dev/shm) when there is one, so that the disk is
// not what gets measured. The guest sees this directory as /sandbox.
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync, accessSync, constants } from "node:fs";
import os from "node:os";
import path from "node:path";

export const BLOCK = 4096;
export const BIG_FILE_BYTES = 64 * 2 ** 20;
export const SMALL_FILE_BYTES = 1234;
export const DIRECTORY_ENTRIES = 1000;
export const TREE_DIRS = 20;
export const TREE_FILES = 200;
export const ENV_COUNT = 1000;
/** The directories stat_missing.c probes in turn (lib/p0 ... lib/p9). */
export const PROBE_DIRS = 10;

function pickBase() {
  try {
    accessSync("/dev/shm", constants.W_OK);
    return { base: "/dev/shm", tmpfs: true };
  } catch {
    return { base: os.tmpdir(), tmpfs: false };
  }
}

/** Block b starts with b (u32 LE); byte k >= 4 of the block is (b + k) & 0xff, as read4k.c checks. */
function writeBigFile(file) {
  const fd = openSync(file, "w");
  const chunkBlocks = 256;
  const chunk = Buffer.alloc(chunkBlocks * BLOCK);
  try {
    for (let first = 0; first < BIG_FILE_BYTES / BLOCK; first += chunkBlocks) {
      for (let i = 0; i < chunkBlocks; i++) {
        const block = first + i;
        const start = i * BLOCK;
        for (let k = 4; k < BLOCK; k++) chunk[start + k] = (block + k) & 0xff;
        chunk.writeUInt32LE(block, start);
      }
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
}

/** A small deterministic generator, so every run copies the same tree. */
function* pseudoRandom(seed) {
  let state = seed >>> 0;
  for (;;) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    yield state;
  }
}

/** 4 top directories with 4 subdirectories each (20 directories), 10 files in each, 64 B to 12 KiB. */
function writeTree(root) {
  const random = pseudoRandom(20240601);
  const next = () => random.next().value;
  const dirs = [];
  for (let top = 0; top < 4; top++) {
    const topDir = path.join(root, `pkg-${top}`);
    dirs.push(topDir);
    for (let sub = 0; sub < 4; sub++) dirs.push(path.join(topDir, `module-${sub}`));
  }
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < TREE_FILES / TREE_DIRS; f++) {
      const size = 64 + (next() % (12 * 1024 - 64));
      const content = Buffer.alloc(size);
      for (let k = 0; k < size; k++) content[k] = next() >>> 24;
      writeFileSync(path.join(dir, `file-${f}.dat`), content);
    }
  }
}

export function createFixtures() {
  const { base, tmpfs } = pickBase();
  const root = mkdtempSync(path.join(base, "witx-wasi-bench-"));
  writeFileSync(path.join(root, "small.txt"), Buffer.alloc(SMALL_FILE_BYTES, "s"));
  writeBigFile(path.join(root, "big.bin"));
  const listing = path.join(root, "dir1000");
  mkdirSync(listing);
  for (let i = 0; i < DIRECTORY_ENTRIES; i++) {
    writeFileSync(path.join(listing, `entry-${String(i).padStart(4, "0")}`), "");
  }
  writeTree(path.join(root, "tree"));
  // The same small file one and three directories down, for the path-depth cases.
  mkdirSync(path.join(root, "d"));
  writeFileSync(path.join(root, "d", "file"), Buffer.alloc(SMALL_FILE_BYTES, "s"));
  mkdirSync(path.join(root, "a", "b", "c"), { recursive: true });
  writeFileSync(path.join(root, "a", "b", "c", "file"), Buffer.alloc(SMALL_FILE_BYTES, "s"));
  for (let i = 0; i < PROBE_DIRS; i++) mkdirSync(path.join(root, "lib", `p${i}`), { recursive: true });
  mkdirSync(path.join(root, "work"));
  return {
    root,
    tmpfs,
    remove() {
      if (existsSync(root)) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** BENCH_ENV_0000=value-0000 ..., the environment environ.c expects. */
export function benchEnvironment() {
  const env = {};
  for (let i = 0; i < ENV_COUNT; i++) {
    const index = String(i).padStart(4, "0");
    env[`BENCH_ENV_${index}`] = `value-${index}`;
  }
  return env;
}
