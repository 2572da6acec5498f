/** The in-memory file system and embedder-mounted files (see the README section "In-memory directories and embedder files"). */
export {
  MemoryDirectory,
  MemoryDirectoryError,
  type MemoryDirectoryOptions,
  type MemoryEntryStat,
  type MemoryPreopenContext,
  type MemoryTreeObject,
} from "./memory-directory.js";
export { generatedDevice, readOnlyFile, type MountedFile, type MountIdentity } from "./mounted-file.js";
