/**
 * The key under which a MemoryDirectory, and each ready-made MountedFile, carries
 * the MemoryDirectory class. The `mounts` option finds the in-memory file system
 * through the values it is given instead of importing it, so a bundle whose app
 * mounts nothing leaves the file system out.
 */
export const directoryClass = Symbol("witx-wasi MemoryDirectory class");
