/**
 * Files fetched over HTTP and mounted read-only at a guest path: `mounts:
 * { "/data/words.txt": await fetchFile("words.txt") }`. The body is fetched
 * once, before the run (a WASI read is synchronous and cannot wait for the
 * network); every open of the file reads those bytes.
 */
import { readOnlyFile, type MountedFile } from "../impl/memory/mounted-file.js";

/** Fetches `url` and gives a read-only file over its body; rejects naming the URL when the response is not OK. */
export async function fetchFile(url: string | URL, init?: RequestInit): Promise<MountedFile> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`fetchFile: ${String(url)} answered ${response.status} ${response.statusText}`.trimEnd());
  return readOnlyFile(new Uint8Array(await response.arrayBuffer()));
}
