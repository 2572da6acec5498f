/** The in-memory file system and embedder-mounted files (see notes/memory-fs.md). */
export { MemoryDirectory, type MemoryDirectoryOptions, type MemoryPreopenContext } from "./memory-directory.js";
export { generatedDevice, readOnlyFile, type MountedFile, type MountIdentity } from "./mounted-file.js";
