/**
 * Checks and normalises the options object of `new WASI(options)` exactly as
 * node:wasi (Node v20.20.2) does — same order of checks, same error classes,
 * codes and messages — with one deliberate difference, the Node 18 form:
 *
 * - `version` may be left out (or the whole options object): that means
 *   preview1, and `returnOnExit` then defaults to false, so proc_exit ends the
 *   process as it did in Node 18. Node 20 instead throws ERR_INVALID_ARG_TYPE
 *   for a missing version.
 * - With a version given, `returnOnExit` defaults to true, as in Node 20.
 *
 * This module only looks at the values. The checks node:wasi makes against the
 * host while constructing (a preopen that is not a directory, a stdio fd that
 * is not open: `UVWASI_* , uvwasi_init` errors) belong to whoever opens those
 * resources; see `uvwasiInitError` in node-errors.ts.
 */
import { invalidArgType, invalidArgValue, outOfRange, requireObject } from "./node-errors.js";

export type WasiVersion = "preview1" | "unstable";

export interface ParsedWasiOptions {
  /** Command-line arguments as the guest sees them, each already a string. */
  args: string[];
  /** Environment variables; entries whose value was `undefined` are dropped. */
  env: Record<string, string>;
  /** `[guestPath, hostPath]` pairs in the order the preopens object lists them. */
  preopens: [guestPath: string, hostPath: string][];
  /** Whether `start()` returns proc_exit's code instead of ending the process. */
  returnOnExit: boolean;
  /** Host file descriptors behind the guest's fds 0, 1 and 2. */
  stdin: number;
  stdout: number;
  stderr: number;
  version: WasiVersion;
  /** False when the caller used the Node 18 form without `version`. */
  versionGiven: boolean;
}

/** node:wasi's check for stdio fds: an int32 that is at least 0. */
function requireFd(value: unknown, name: string): number {
  if (typeof value !== "number") throw invalidArgType(name, "number", value);
  if (!Number.isInteger(value)) throw outOfRange(name, "an integer", value);
  if (value < 0 || value > 2147483647) throw outOfRange(name, ">= 0 && <= 2147483647", value);
  // `| 0` turns an accepted -0 into a plain 0.
  return value | 0;
}

function parseVersion(value: unknown): WasiVersion {
  if (typeof value !== "string") throw invalidArgType("options.version", "string", value);
  if (value !== "preview1" && value !== "unstable") {
    throw invalidArgValue("options.version", value, "unsupported WASI version");
  }
  return value;
}

function parseArgs(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArgType("options.args", "Array", value);
  // Node converts with String(), so symbols are accepted. It leaves holes in a
  // sparse array as holes, which then abort the process in its C++ layer; we
  // read holes as undefined, giving the string "undefined".
  const args: string[] = [];
  for (let i = 0; i < value.length; i++) args.push(String(value[i]));
  return args;
}

function parseEnv(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  requireObject(value, "options.env");
  const pairs: [string, string][] = [];
  for (const [key, entry] of Object.entries(value)) {
    // A template literal, as in Node: a symbol value throws a plain TypeError
    // ("Cannot convert a Symbol value to a string"), objects go through toString.
    if (entry !== undefined) pairs.push([key, `${entry}`]);
  }
  // fromEntries defines own properties, so a key like "__proto__" stays a key.
  return Object.fromEntries(pairs);
}

function parsePreopens(value: unknown): [string, string][] {
  if (value === undefined) return [];
  requireObject(value, "options.preopens");
  return Object.entries(value).map(([guest, host]) => [String(guest), String(host)]);
}

export function parseWasiOptions(options: unknown): ParsedWasiOptions {
  // `new WASI()` with no argument is the Node 18 form too.
  const given = options === undefined ? {} : options;
  requireObject(given, "options");

  // Same order as node:wasi, so the first bad option reported is the same one.
  const versionGiven = given.version !== undefined;
  const version = versionGiven ? parseVersion(given.version) : "preview1";
  const args = parseArgs(given.args);
  const env = parseEnv(given.env);
  const preopens = parsePreopens(given.preopens);

  const { stdin = 0, stdout = 1, stderr = 2 } = given;
  const fds = {
    stdin: requireFd(stdin, "options.stdin"),
    stdout: requireFd(stdout, "options.stdout"),
    stderr: requireFd(stderr, "options.stderr"),
  };

  let returnOnExit = versionGiven;
  if (given.returnOnExit !== undefined) {
    if (typeof given.returnOnExit !== "boolean") {
      throw invalidArgType("options.returnOnExit", "boolean", given.returnOnExit);
    }
    returnOnExit = given.returnOnExit;
  }

  return { args, env, preopens, returnOnExit, ...fds, version, versionGiven };
}
