/**
 * Copies between a host directory and a MemoryDirectory, for embedders who want
 * a guest to start from files on disk and to keep what it wrote: regular files,
 * directories and symbolic links (verbatim) go in; files and empty directories
 * come back out. Node only (node:fs), so it lives beside the Node WASI class.
 */
import { mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { MemoryDirectory, type MemoryDirectoryOptions } from "../impl/memory/index.js";

/** A MemoryDirectory holding a copy of the host directory `hostPath`. */
export function loadMemoryDirectory(hostPath: string, options: MemoryDirectoryOptions = {}): MemoryDirectory {
  const directory = new MemoryDirectory(options);
  const copy = (from: string, to: string) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const source = join(from, entry.name);
      const target = to === "" ? entry.name : `${to}/${entry.name}`;
      if (entry.isDirectory()) {
        directory.mkdir(target);
        copy(source, target);
      } else if (entry.isSymbolicLink()) directory.symlink(readlinkSync(source), target);
      else if (entry.isFile()) directory.writeFile(target, readFileSync(source));
    }
  };
  copy(hostPath, "");
  return directory;
}

/** Writes the files and empty directories of `directory` under the host directory `hostPath` (created if missing). */
export function saveMemoryDirectory(directory: MemoryDirectory, hostPath: string): void {
  mkdirSync(hostPath, { recursive: true });
  for (const [path, content] of Object.entries(directory.toObject())) {
    const target = join(hostPath, path);
    if (content === null) mkdirSync(target, { recursive: true });
    else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }
}
