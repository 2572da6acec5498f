/**
 * Whether this host can resolve paths through `/proc/self/fd/N` (Linux with
 * /proc mounted). Checked once per process by opening the current directory
 * the way anchored-resolver.ts opens directories (O_PATH) and comparing what
 * the /proc path leads to with the fd itself.
 */
import { closeSync, constants, fstatSync, openSync, statSync } from "node:fs";
import { O_PATH } from "./anchored-resolver.js";

let available: boolean | undefined;

export function procFdRootsAvailable(): boolean {
  if (available !== undefined) return available;
  available = false;
  if (process.platform !== "linux") return available;
  let fd = -1;
  try {
    fd = openSync(".", O_PATH | constants.O_DIRECTORY);
    const direct = fstatSync(fd, { bigint: true });
    const viaProc = statSync(`/proc/self/fd/${fd}/.`, { bigint: true });
    available = direct.dev === viaProc.dev && direct.ino === viaProc.ino;
  } catch {
    available = false;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  return available;
}
