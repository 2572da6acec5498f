// The record of what built the committed guest binaries: for each .wasm, the
// SHA-256 of its sources (the C file plus guest.h, or the .wat) and of the binary,
// and the toolchain that made them. `npm run build:guests` writes it
// (test/guests/build.sh); test/guests-manifest.test.ts checks it, so a source
// edited without a rebuild, or a binary changed without its source, is seen.
// Usage: node test/guests/manifest.mjs write "<toolchain line>"...
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const manifestPath = "test/guests/manifest.json";

const sha256 = (paths) => {
  const hash = createHash("sha256");
  for (const path of paths) hash.update(readFileSync(root + path));
  return hash.digest("hex");
};

/** Every committed guest binary and the sources it is built from (paths relative to the repository root). */
export function guestBuilds(list) {
  const c = (dir, out, headers) =>
    list(dir)
      .filter((name) => name.endsWith(".c"))
      .map((name) => [`${out}${name.replace(/\.c$/, ".wasm")}`, [`${dir}${name}`, ...headers]]);
  return Object.fromEntries([
    ...c("test/guests/c/", "test/guests/bin/", ["test/guests/c/guest.h"]),
    ...c("test/guests/c-embedding/", "test/guests/bin/embedding/", []),
    ["examples/hello.wasm", ["examples/hello.c"]],
    ...list("test/guests/wat/")
      .filter((name) => name.endsWith(".wat"))
      .map((name) => [`test/guests/bin/${name.replace(/\.wat$/, ".wasm")}`, [`test/guests/wat/${name}`]]),
  ]);
}

/** The manifest the files in place would have. */
export function currentManifest(list, toolchain) {
  const binaries = {};
  for (const [binary, sources] of Object.entries(guestBuilds(list)))
    binaries[binary] = { sources: sha256(sources), binary: sha256([binary]) };
  return { toolchain, binaries };
}

if (process.argv[2] === "write") {
  const { readdirSync } = await import("node:fs");
  const manifest = currentManifest((dir) => readdirSync(root + dir).sort(), process.argv.slice(3));
  writeFileSync(root + manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${manifestPath} (${Object.keys(manifest.binaries).length} binaries)`);
}
