/**
 * The committed guest binaries match the record of their build
 * (test/guests/manifest.json, written by `npm run build:guests`): a source
 * edited without a rebuild, or a binary replaced without its source, fails
 * here with the file's name. Where the recorded clang is installed, a fresh
 * build must also reproduce every binary byte for byte.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without declarations
import { currentManifest, manifestPath } from "./guests/manifest.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const recorded = JSON.parse(readFileSync(root + manifestPath, "utf8")) as { toolchain: string[]; binaries: Record<string, unknown> };
const clangVersion = spawnSync("clang", ["--version"], { encoding: "utf8" }).stdout?.split("\n", 1)[0];

describe("the committed guest binaries", () => {
  it("match the sources and binaries recorded when they were built", () => {
    const current = currentManifest((dir: string) => readdirSync(root + dir).sort(), recorded.toolchain);
    expect(current).toEqual(recorded);
  });

  it.skipIf(clangVersion !== recorded.toolchain[0])(
    "are what the recorded clang builds from the sources today",
    () => {
      const check = spawnSync("bash", ["test/guests/build.sh", "--check"], { cwd: root, encoding: "utf8", timeout: 300_000 });
      expect(check.stdout + check.stderr).toContain("the files in place match a fresh build");
      expect(check.status).toBe(0);
    },
    300_000,
  );
});
