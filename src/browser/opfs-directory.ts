/**
 * A guest directory kept in the Origin Private File System, so what a guest
 * writes there is still there after the page reloads. Runs in a dedicated Web
 * Worker: OPFS file contents are read and written through synchronous access
 * handles, which browsers give only to workers.
 *
 * WASI calls are synchronous and most OPFS calls (listing, creating,
 * removing, opening an access handle) are not, so the guest does not work on
 * OPFS directly: `loadOpfsDirectory` copies an OPFS directory into a
 * MemoryDirectory before the run, the guest works on that, and
 * `saveOpfsDirectory` makes the OPFS directory match it afterwards (files
 * written, entries the guest removed removed). Regular files and directories
 * are kept; symbolic links and mounted files have no OPFS counterpart and are
 * not saved.
 */
import { MemoryDirectory, type MemoryDirectoryOptions } from "../impl/memory/memory-directory.js";

/** FileSystemSyncAccessHandle, as far as used here (TypeScript declares it for workers only). */
interface SyncAccessHandle {
  getSize(): number;
  read(buffer: Uint8Array, options?: { at?: number }): number;
  write(buffer: Uint8Array, options?: { at?: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

interface OpfsFileHandle {
  readonly kind: "file";
  readonly name: string;
  createSyncAccessHandle?(): Promise<SyncAccessHandle>;
}

/** FileSystemDirectoryHandle, as far as used here. */
export interface OpfsDirectoryHandle {
  readonly kind: "directory";
  readonly name: string;
  values(): AsyncIterable<OpfsFileHandle | OpfsDirectoryHandle>;
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<OpfsDirectoryHandle>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<OpfsFileHandle>;
  removeEntry(name: string, options?: { recursive?: boolean }): Promise<void>;
}

async function accessHandle(file: OpfsFileHandle, path: string): Promise<SyncAccessHandle> {
  if (typeof file.createSyncAccessHandle !== "function") {
    throw new Error(
      `OPFS directory: ${path} can be read and written only in a dedicated Web Worker (synchronous access handles exist only there)`,
    );
  }
  return file.createSyncAccessHandle();
}

async function readInto(directory: MemoryDirectory, handle: OpfsDirectoryHandle, path: string): Promise<void> {
  for await (const entry of handle.values()) {
    const at = path === "" ? entry.name : `${path}/${entry.name}`;
    if (entry.kind === "directory") {
      directory.mkdir(at);
      await readInto(directory, entry, at);
      continue;
    }
    const access = await accessHandle(entry, at);
    try {
      const bytes = new Uint8Array(access.getSize());
      access.read(bytes, { at: 0 });
      directory.writeFile(at, bytes);
    } finally {
      access.close();
    }
  }
}

async function writeFrom(directory: MemoryDirectory, handle: OpfsDirectoryHandle, path: string): Promise<void> {
  const names = new Set(directory.list(path === "" ? "." : path));
  const stale: string[] = [];
  for await (const entry of handle.values()) {
    const at = path === "" ? entry.name : `${path}/${entry.name}`;
    const kind = names.has(entry.name) ? directory.kindOf(at) : null;
    if (
      (kind === "directory" && entry.kind !== "directory") ||
      (kind === "file" && entry.kind !== "file") ||
      (kind !== "directory" && kind !== "file")
    ) {
      stale.push(entry.name);
    }
  }
  for (const name of stale) await handle.removeEntry(name, { recursive: true });
  for (const name of names) {
    const at = path === "" ? name : `${path}/${name}`;
    const kind = directory.kindOf(at);
    if (kind === "directory") await writeFrom(directory, await handle.getDirectoryHandle(name, { create: true }), at);
    else if (kind === "file") {
      const access = await accessHandle(await handle.getFileHandle(name, { create: true }), at);
      try {
        const bytes = directory.readFile(at);
        access.truncate(0);
        access.write(bytes, { at: 0 });
        access.flush();
      } finally {
        access.close();
      }
    }
  }
}

function checkHandle(handle: OpfsDirectoryHandle, call: string): void {
  if (handle === null || typeof handle !== "object" || handle.kind !== "directory" || typeof handle.values !== "function") {
    throw new TypeError(
      `${call}: the handle must be an OPFS FileSystemDirectoryHandle (from navigator.storage.getDirectory()). Received ${String(handle)}`,
    );
  }
}

/** A MemoryDirectory holding a copy of the OPFS directory `handle` (its files and subdirectories); mount it with `mounts`. */
export async function loadOpfsDirectory(handle: OpfsDirectoryHandle, options: MemoryDirectoryOptions = {}): Promise<MemoryDirectory> {
  checkHandle(handle, "loadOpfsDirectory");
  const directory = new MemoryDirectory(options);
  await readInto(directory, handle, "");
  return directory;
}

/** Makes the OPFS directory `handle` hold what `directory` holds: writes every file, removes what is gone. */
export async function saveOpfsDirectory(directory: MemoryDirectory, handle: OpfsDirectoryHandle): Promise<void> {
  checkHandle(handle, "saveOpfsDirectory");
  if (!(directory instanceof MemoryDirectory))
    throw new TypeError(`saveOpfsDirectory: the directory must be a MemoryDirectory. Received ${String(directory)}`);
  await writeFrom(directory, handle, "");
}
