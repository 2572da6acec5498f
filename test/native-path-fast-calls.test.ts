// The path addon's open, stat, unlink and mkdir as V8 fast calls from
// JavaScript (native/fast/fast-calls.cc `pathCalls`, taken by
// src/impl/node/native-beneath.ts): once the caller is optimized they must
// run without their Node-API function, and answer exactly as it does, on
// every kind of path the resolver meets, Latin-1 names included; what they do
// not serve (a path V8 keeps as a two-byte string, a BigInt64Array to stat
// into) goes to the Node-API function.
// A child Node with --allow-natives-syntax optimizes the callers on demand;
// the Node-API functions are wrapped, so each call that reaches one is counted.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeTempDir } from "./support/node-host-harness.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const pathAddon = join(root, "native/build/Release/witx_wasi_native.node");
const fastAddon = join(root, "native/fast/build/Release/witx_wasi_fast.node");
const fastCallsHere =
  process.platform === "linux" &&
  process.versions.v8.startsWith("11.3.") &&
  process.env.WITX_WASI_NATIVE !== "0" &&
  existsSync(pathAddon) &&
  existsSync(fastAddon);

const child = String.raw`
const [pathFile, fastFile, tree] = process.argv.slice(2);
const fs = require("node:fs");
const load = (file) => { const module = { exports: {} }; process.dlopen(module, file); return module.exports; };
const real = load(pathFile);
const slow = [];
const counted = {};
for (const name of ["open", "stat", "unlink", "mkdir"]) counted[name] = (...args) => (slow.push(name), real[name](...args));
const fast = load(fastFile).pathCalls(counted);
const dir = fs.openSync(tree + "/sandbox", "r");
const kept = real.keptCreate();
const out = new ArrayBuffer(64);
// One function per call and per API: a call site that saw both would not be a fast call.
const statAnswer = (status) => (status === 0 ? "size " + new BigInt64Array(out)[4] : status);
const openAnswer = (fd) => (fd < 0 ? fd : (real.close(fd, kept), "opened"));
const stat = (path, follow) => statAnswer(fast.stat(dir, path, follow, out, kept));
const open = (path, flags) => openAnswer(fast.open(dir, path, flags, 0o666, kept));
const mkdir = (path) => fast.mkdir(dir, path, kept);
const unlink = (path, directory) => fast.unlink(dir, path, directory, kept);
const statReal = (path, follow) => statAnswer(real.stat(dir, path, follow, out, kept));
const openReal = (path, flags) => openAnswer(real.open(dir, path, flags, 0o666, kept));
const callers = [stat, open, mkdir, unlink];
for (const f of callers) %PrepareFunctionForOptimization(f);
stat("file", false); open("file", 0); mkdir("made"); unlink("made", true);
for (const f of callers) %OptimizeFunctionOnNextCall(f);
stat("file", false); open("file", 0); mkdir("made"); unlink("made", true);
slow.length = 0;
const paths = JSON.parse(process.argv[5]);
const answers = [];
for (const path of paths) {
  for (const follow of [false, true]) answers.push([path, "stat " + follow, stat(path, follow), statReal(path, follow)]);
  for (const flags of [0, 0x10000, 0x20000]) answers.push([path, "open " + flags, open(path, flags), openReal(path, flags)]);
}
const changes = [
  mkdir("d/new"), real.mkdir(dir, "d/new", kept), mkdir("d/sub/deeper"), mkdir("../escaped"),
  unlink("d/new", false), unlink("d/new", true), real.unlink(dir, "d/new", true, kept),
  unlink("d/sub/deeper", true), unlink("d/link", false), unlink("missing/x", false),
];
const served = slow.length;
const fallbacks = [stat("d/\u6587\u4ef6", false), fast.stat(dir, "file", false, new BigInt64Array(8), kept)];
console.log(JSON.stringify({ answers, changes, served, fellBack: slow.slice(served), fallbacks }));
`;

describe.runIf(fastCallsHere)("the path addon's fast calls", () => {
  it("run without the Node-API functions once optimized, answer as they do, and leave what they do not serve to them", () => {
    const [tree, cleanup] = makeTempDir("witx-fast-paths-");
    try {
      const sandbox = join(tree, "sandbox");
      spawnSync("mkdir", ["-p", join(sandbox, "d/sub"), join(tree, "outside")]);
      writeFileSync(join(sandbox, "file"), "12345");
      writeFileSync(join(sandbox, "d/sub/inner"), "123");
      writeFileSync(join(sandbox, "d/\u00e9t\u00e9"), "12");
      writeFileSync(join(sandbox, "d/\u6587\u4ef6"), "1234");
      writeFileSync(join(tree, "outside/secret"), "1234567");
      spawnSync("ln", ["-s", "../file", join(sandbox, "d/link")]);
      spawnSync("ln", ["-s", "../../outside/secret", join(sandbox, "d/escape")]);
      const script = join(tree, "child.cjs");
      writeFileSync(script, child);
      const paths = [
        "file",
        "d/sub/inner",
        "d/sub/inner/",
        "d/./sub//inner",
        "d/sub/../sub/inner",
        "d/link",
        "d/escape",
        "../outside/secret",
        "d/../../outside/secret",
        "/etc/passwd",
        "d/missing",
        "d/\u00e9t\u00e9",
        "d/\u00ff\u00c0 missing",
        "missing/inner",
        "d/sub",
        ".",
        "d/..",
      ];
      const run = spawnSync(process.execPath, ["--allow-natives-syntax", script, pathAddon, fastAddon, tree, JSON.stringify(paths)], {
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.stderr).toBe("");
      const result = JSON.parse(run.stdout) as {
        answers: [string, string, unknown, unknown][];
        changes: number[];
        served: number;
        fellBack: string[];
        fallbacks: unknown[];
      };
      for (const [path, call, fast, napi] of result.answers) expect(fast, `${call} of ${path}`).toEqual(napi);
      // Spot checks that the comparison is between right answers: an escape is refused (notcapable's code), a file is read.
      expect(result.answers).toContainEqual(["d/escape", "stat true", -5001, -5001]);
      expect(result.answers).toContainEqual(["d/sub/inner", "stat false", "size 3", "size 3"]);
      expect(result.answers).toContainEqual(["d/\u00e9t\u00e9", "stat false", "size 2", "size 2"]);
      const [eexist, enoent, eisdir] = [-17, -2, -21];
      expect(result.changes).toEqual([0, eexist, 0, -5001, eisdir, 0, enoent, 0, 0, enoent]);
      // Every call above was a fast call: even the paths left to the resolver in JavaScript (a trailing "/",
      // a last "." or "..") are the addon's answer, undecided, from both.
      expect(result.served).toBe(0);
      expect(result.fellBack).toEqual(["stat", "stat"]);
      expect(result.fallbacks).toEqual(["size 4", 0]);
    } finally {
      cleanup();
    }
  });
});
