// Measures the ways of resolving a guest path beneath a held directory handle
// on Linux that issue 10 names, so the resolver can be chosen by measurement:
//
//   string-walk   today's checked walk: one lstat per component, then the
//                 operation on the full host path (not anchored: the reference)
//   anchored-walk one O_PATH|O_DIRECTORY|O_NOFOLLOW open per intermediate
//                 component through /proc/self/fd/<parent>/<name>, the
//                 operation through the last handle, every handle closed
//   kernel-verify the kernel walks the parent path beneath the root handle in
//                 one open, readlink of the root and of the opened directory
//                 shows where it really is, then the operation through it
//   cached-handle a handle kept from an earlier walk, checked with one
//                 readlink of itself, then the operation through it
//
// for open+close and lstat of a file at depth 0, 1 and 3. Prints ns per
// operation (median of 7 rounds). Run: node bench/resolution-designs.mjs
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const O_PATH = 0o10000000;
const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = fs.constants;
const dirFlags = O_PATH | O_DIRECTORY | O_NOFOLLOW;

const base = fs.existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir();
const root = fs.realpathSync(fs.mkdtempSync(path.join(base, "witx-designs-")));
fs.mkdirSync(path.join(root, "a/b/c"), { recursive: true });
fs.mkdirSync(path.join(root, "d"));
for (const file of ["f", "d/f", "a/b/c/f"]) fs.writeFileSync(path.join(root, file), "x");

const rootFd = fs.openSync(root, dirFlags);
const viaFd = (fd) => `/proc/self/fd/${fd}`;

function stringWalk(rel, op) {
  const parts = rel.split("/");
  let current = root;
  for (let i = 0; i < parts.length - 1; i++) {
    current += `/${parts[i]}`;
    if (!fs.lstatSync(current).isDirectory()) throw new Error("not a directory");
  }
  return op(`${current}/${parts[parts.length - 1]}`);
}

function anchoredWalk(rel, op) {
  const parts = rel.split("/");
  const opened = [];
  let dir = rootFd;
  try {
    for (let i = 0; i < parts.length - 1; i++) {
      dir = fs.openSync(`${viaFd(dir)}/${parts[i]}`, dirFlags);
      opened.push(dir);
    }
    return op(`${viaFd(dir)}/${parts[parts.length - 1]}`);
  } finally {
    for (const fd of opened) fs.closeSync(fd);
  }
}

function kernelVerify(rel, op) {
  const cut = rel.lastIndexOf("/");
  if (cut < 0) return op(`${viaFd(rootFd)}/${rel}`);
  const parent = rel.slice(0, cut);
  const dir = fs.openSync(`${viaFd(rootFd)}/${parent}`, dirFlags);
  try {
    const where = fs.readlinkSync(viaFd(dir), "latin1");
    if (where !== `${fs.readlinkSync(viaFd(rootFd), "latin1")}/${parent}`) throw new Error("moved");
    return op(`${viaFd(dir)}/${rel.slice(cut + 1)}`);
  } finally {
    fs.closeSync(dir);
  }
}

const cachedHandles = new Map();
function cachedHandle(rel, op) {
  const cut = rel.lastIndexOf("/");
  if (cut < 0) return op(`${viaFd(rootFd)}/${rel}`);
  const parent = rel.slice(0, cut);
  let dir = cachedHandles.get(parent);
  if (dir === undefined) {
    dir = fs.openSync(`${viaFd(rootFd)}/${parent}`, dirFlags);
    cachedHandles.set(parent, dir);
  }
  if (fs.readlinkSync(viaFd(dir), "latin1") !== `${root}/${parent}`) throw new Error("moved");
  return op(`${viaFd(dir)}/${rel.slice(cut + 1)}`);
}

const openClose = (p) => fs.closeSync(fs.openSync(p, O_RDONLY | O_NOFOLLOW));
const lstat = (p) => fs.lstatSync(p, { bigint: true });

function timeNs(fn, n) {
  for (let i = 0; i < n / 5; i++) fn();
  const rounds = [];
  for (let r = 0; r < 7; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    rounds.push(Number(process.hrtime.bigint() - start) / n);
  }
  rounds.sort((x, y) => x - y);
  return rounds[3];
}

const designs = { "string-walk": stringWalk, "anchored-walk": anchoredWalk, "kernel-verify": kernelVerify, "cached-handle": cachedHandle };
const targets = { "depth 0 (f)": "f", "depth 1 (d/f)": "d/f", "depth 3 (a/b/c/f)": "a/b/c/f" };
const n = Number(process.argv[2] ?? 20000);

console.log(`root ${root} (${base === "/dev/shm" ? "tmpfs" : "disk"}), Node ${process.version}, ${n} ops per round, median ns per op\n`);
console.log(`| operation | path | ${Object.keys(designs).join(" | ")} |`);
console.log(
  `|---|---|${Object.keys(designs)
    .map(() => "---:")
    .join("|")}|`,
);
for (const [opName, op] of [
  ["open+close", openClose],
  ["lstat", lstat],
]) {
  for (const [label, rel] of Object.entries(targets)) {
    const cells = Object.values(designs).map((design) => timeNs(() => design(rel, op), n).toFixed(0));
    console.log(`| ${opName} | ${label} | ${cells.join(" | ")} |`);
  }
}
console.log(`\nreadlink of a handle alone: ${timeNs(() => fs.readlinkSync(viaFd(rootFd), "latin1"), n).toFixed(0)} ns`);
console.log(`lstat of a plain name by full path: ${timeNs(() => fs.lstatSync(`${root}/f`, { bigint: true }), n).toFixed(0)} ns`);
console.log(
  `lstat of a plain name via /proc/self/fd: ${timeNs(() => fs.lstatSync(`${viaFd(rootFd)}/f`, { bigint: true }), n).toFixed(0)} ns`,
);
console.log(
  `lstat of a plain name via /proc/<pid>/fd: ${timeNs(() => fs.lstatSync(`/proc/${process.pid}/fd/${rootFd}/f`, { bigint: true }), n).toFixed(0)} ns`,
);

for (const fd of cachedHandles.values()) fs.closeSync(fd);
fs.closeSync(rootFd);
fs.rmSync(root, { recursive: true, force: true });
