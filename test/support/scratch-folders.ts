/**
 * Folders under test/.scratch for tests that write generated TypeScript: inside
 * the repository, so the compiler resolves its imports from there. Each folder
 * is removed after the calling file's tests.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

const scratchRoot = join(resolve(fileURLToPath(new URL("../..", import.meta.url))), "test", ".scratch");

/** Call at a test file's top level; gives a function that makes a fresh folder named after `prefix`. */
export function scratchFolders(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  return (prefix) => {
    mkdirSync(scratchRoot, { recursive: true });
    const folder = mkdtempSync(join(scratchRoot, prefix));
    made.push(folder);
    return folder;
  };
}
