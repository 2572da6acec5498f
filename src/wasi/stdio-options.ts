/**
 * The `stdio` option: what the guest's fds 0, 1 and 2 are, beyond the host fd
 * numbers node:wasi takes in `stdin`/`stdout`/`stderr`. Those keep their exact
 * node:wasi meaning and checks; objects go here instead, so code written for
 * node:wasi never meets a new rule and a mistake in either is reported in
 * its own terms.
 *
 * Host fd numbers and streams that carry an fd (process.stdin,
 * fs.ReadStream) stay numbers here: only a host with file descriptors (the
 * Node host) can use them; the portable entry point's in-memory host refuses them.
 */
import type { FileDescription } from "../impl/description.js";
import { InputSourceDescription, type StdinSource } from "../impl/stdio/input-source.js";
import { OutputCapture, OutputSinkDescription, type OutputCallback } from "../impl/stdio/output-sink.js";

/** Anything with an `fd`: a Node stream opened on a file descriptor. */
export interface StreamWithFd {
  readonly fd: number | null | undefined;
}

/** A Node writable stream, or anything else with a `write(bytes)` method. */
export interface WritableLike {
  write(bytes: Uint8Array): unknown;
}

/**
 * What the guest reads on fd 0: a host fd (Node only), the bytes of a string
 * or Uint8Array/Buffer, a synchronous source callback, or a stream that has an
 * fd (process.stdin, fs.createReadStream(...); Node only). Other readable
 * streams are refused: their data arrives in events, and a WASI read is one
 * synchronous call that cannot wait for them.
 */
export type StdinOption = number | string | Uint8Array | StdinSource | StreamWithFd;

/**
 * Where the guest's writes on fd 1 or 2 go: a host fd (Node only), a callback
 * receiving a copy of each write, a capture from `captureOutput()`, or a
 * writable stream (`write` is called with a copy of each write).
 */
export type OutputOption = number | OutputCallback | OutputCapture | WritableLike;

export interface StdioOptions {
  stdin?: StdinOption;
  stdout?: OutputOption;
  stderr?: OutputOption;
}

/**
 * One of fds 0, 1, 2 as the host builder receives it: a description made
 * here, or a host fd number, which only a host with file descriptors (the
 * Node host) can turn into one.
 */
export type StdioSlot = FileDescription | number;

const names = ["stdin", "stdout", "stderr"] as const;

function optionError(name: string, message: string): TypeError & { code: string } {
  const error = new TypeError(`The "options.stdio.${name}" property ${message}`) as TypeError & { code: string };
  error.code = "ERR_INVALID_ARG_TYPE";
  return error;
}

function hostFdOf(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw optionError(name, `must be a file descriptor (an integer >= 0 and <= 2147483647). Received ${value}`);
  }
  return value;
}

function streamFd(value: object, name: string): number | undefined {
  if (!("fd" in value)) return undefined;
  const fd = (value as StreamWithFd).fd;
  if (typeof fd === "number") return fd;
  throw optionError(name, "is a stream whose file descriptor is not open yet (fd is null); wait for its 'open' event, or pass a number");
}

function isReadable(value: object): boolean {
  const candidate = value as { read?: unknown; on?: unknown; pipe?: unknown };
  return typeof candidate.read === "function" || (typeof candidate.on === "function" && typeof candidate.pipe === "function");
}

function describeStdin(value: StdinOption): StdioSlot {
  if (typeof value === "number") return hostFdOf(value, "stdin");
  if (typeof value === "string" || value instanceof Uint8Array || typeof value === "function") return new InputSourceDescription(value);
  if (value !== null && typeof value === "object") {
    const fd = streamFd(value, "stdin");
    if (fd !== undefined) return hostFdOf(fd, "stdin");
    if (isReadable(value)) {
      throw optionError(
        "stdin",
        "is a readable stream without a file descriptor. WASI reads are synchronous and cannot wait for stream events, " +
          "so only streams with an fd (process.stdin, fs.createReadStream) can be used; pass the data as a string or " +
          "Uint8Array, or a synchronous source callback, instead",
      );
    }
  }
  throw optionError("stdin", "must be a file descriptor, a string, a Uint8Array, a source function or a stream with an fd");
}

function describeOutput(value: OutputOption, name: "stdout" | "stderr"): StdioSlot {
  if (typeof value === "number") return hostFdOf(value, name);
  if (typeof value === "function") return new OutputSinkDescription(value);
  if (value instanceof OutputCapture) return new OutputSinkDescription(value.write);
  if (value !== null && typeof value === "object" && typeof (value as WritableLike).write === "function") {
    const stream = value as WritableLike;
    return new OutputSinkDescription((bytes) => void stream.write(bytes));
  }
  throw optionError(name, "must be a file descriptor, a function, a capture from captureOutput() or a writable stream");
}

/**
 * Fds 0, 1 and 2: the `stdio` entry where given, otherwise `fallback`
 * (node:wasi's numeric options, or the in-memory host's defaults).
 */
export function describeStdio(stdio: unknown, fallback: readonly [StdioSlot, StdioSlot, StdioSlot]): [StdioSlot, StdioSlot, StdioSlot] {
  if (stdio !== undefined && (stdio === null || typeof stdio !== "object" || Array.isArray(stdio))) {
    const error = new TypeError(`The "options.stdio" property must be of type object. Received ${String(stdio)}`) as TypeError & {
      code: string;
    };
    error.code = "ERR_INVALID_ARG_TYPE";
    throw error;
  }
  const given = (stdio ?? {}) as Record<string, unknown>;
  // Nothing made here holds a resource, so a failure part-way needs no cleanup.
  return names.map((name, index) => {
    const value = given[name];
    if (value === undefined) return fallback[index];
    if (name === "stdin") return describeStdin(value as StdinOption);
    return describeOutput(value as OutputOption, name);
  }) as [StdioSlot, StdioSlot, StdioSlot];
}
