/**
 * The commonest guest path is one plain name ("data.txt"): no "/", not "." or
 * "..", no NUL. Such a name can only mean an entry of the directory itself, so
 * the full component walk (resolver.ts) has nothing to check: the host path is
 * the root plus the name, and a symlink there is caught by O_NOFOLLOW or by
 * lstat, after which the caller takes the full resolution to follow it.
 */
const isWindowsHost = process.platform === "win32";
/** NAME_MAX: longer names get ENAMETOOLONG from the kernel, as from the resolver. */
const maxNameUnits = 255;

export function isPlainName(path: string, maxPathBytes: number): boolean {
  const length = path.length;
  // Three UTF-8 bytes per UTF-16 unit at most: within the limit without encoding.
  if (length === 0 || length > maxNameUnits || length * 3 > maxPathBytes) return false;
  for (let i = 0; i < length; i++) {
    const code = path.charCodeAt(i);
    if (code === 0x2f || code === 0) return false;
    if (isWindowsHost && (code === 0x5c || code === 0x3a)) return false;
  }
  return !(length <= 2 && (path === "." || path === ".."));
}

/** The errors an O_NOFOLLOW open gives for a symlink (as open-beneath.ts lists them). */
export function isSymlinkRefusal(code: string | undefined): boolean {
  return code === "ELOOP" || code === "EMLINK" || code === "ENOTDIR";
}
