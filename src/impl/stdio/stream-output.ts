/**
 * Stdout/stderr for the worker runner that may push back: a write to a Node
 * writable stream whose buffer is full (`write` returned false) is answered
 * when the stream drains, and a callback may return a promise that the write
 * waits for. The guest waits in its worker meanwhile; no byte is dropped and
 * the stream's buffer stays near its highWaterMark. A stream that fails or
 * closes before draining fails the write with `io`.
 */
import type { Out } from "../../runtime/out.js";
import type { Errno, Fdflags } from "../../generated/preview1/types.js";
import * as errno from "../../generated/preview1/errno.js";
import { OutputSinkDescription } from "./output-sink.js";

/** A Node writable stream, as far as this module uses one. */
export interface DrainableWritable {
  write(bytes: Uint8Array): boolean;
  once(event: "drain" | "close", listener: () => void): unknown;
  once(event: "error", listener: (error: unknown) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
}

/** Receives a copy of each write; a returned promise holds the guest until it settles. */
export type AsyncOutputCallback = (bytes: Uint8Array) => void | Promise<void>;

export function isDrainable(value: unknown): value is DrainableWritable {
  const candidate = value as Partial<DrainableWritable> | null;
  return (
    typeof candidate === "object" && candidate !== null && typeof candidate.write === "function" && typeof candidate.once === "function"
  );
}

function drained(stream: DrainableWritable): Promise<Errno> {
  return new Promise((resolve) => {
    const settle = (outcome: Errno) => () => {
      stream.removeListener("drain", onDrain);
      stream.removeListener("error", onFailure);
      stream.removeListener("close", onFailure);
      resolve(outcome);
    };
    const onDrain = settle(errno.success);
    const onFailure = settle(errno.io);
    stream.once("drain", onDrain);
    stream.once("error", onFailure);
    stream.once("close", onFailure);
  });
}

function deliverTo(target: DrainableWritable | AsyncOutputCallback, bytes: Uint8Array): Promise<Errno> | undefined {
  if (typeof target !== "function") return target.write(bytes) ? undefined : drained(target);
  const outcome = target(bytes);
  return outcome instanceof Promise
    ? outcome.then(
        () => errno.success,
        () => errno.io,
      )
    : undefined;
}

/** The in-thread sink (one copy of each write), whose write answers later while the target pushes back. */
export class AsyncOutputDescription extends OutputSinkDescription {
  private readonly waiting: { promise: Promise<Errno> | undefined };

  constructor(target: DrainableWritable | AsyncOutputCallback) {
    const waiting: { promise: Promise<Errno> | undefined } = { promise: undefined };
    super((bytes) => {
      waiting.promise = deliverTo(target, bytes);
    });
    this.waiting = waiting;
  }

  override write(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    const error = super.write(buffers, flags, result);
    const promise = this.waiting.promise;
    this.waiting.promise = undefined;
    // The worker runner's host accepts a promise of the errno (see worker/async-host.ts).
    return promise === undefined ? error : (promise as unknown as Errno);
  }
}
