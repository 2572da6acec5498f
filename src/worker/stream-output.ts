/**
 * Stdout/stderr for the worker runner that may push back: a write to a Node
 * writable stream whose buffer is full (`write` returned false) is answered
 * when the stream drains, and a callback may return a promise that the write
 * waits for. The guest waits in its worker meanwhile; no byte is dropped and
 * the stream's buffer stays near its highWaterMark. A stream that fails or
 * closes before draining fails the write with `io`.
 */
import type { Out } from "../runtime/out.js";
import { errno, filetype, type Errno, type Fdflags, type Filestat } from "../generated/preview1/types.js";
import { BaseDescription } from "../impl/description.js";
import { fillStreamFilestat } from "../stdio/stream-filestat.js";

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
  return typeof candidate === "object" && candidate !== null && typeof candidate.write === "function" && typeof candidate.once === "function";
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

export class AsyncOutputDescription extends BaseDescription {
  readonly filetype = filetype.unknown;
  private readonly deliver: (bytes: Uint8Array) => void | Promise<Errno>;

  constructor(target: DrainableWritable | AsyncOutputCallback) {
    super();
    if (typeof target === "function") {
      this.deliver = (bytes) => {
        const outcome = target(bytes);
        return outcome instanceof Promise ? outcome.then(() => errno.success, () => errno.io) : undefined;
      };
    } else {
      this.deliver = (bytes) => (target.write(bytes) ? undefined : drained(target));
    }
  }

  override write(buffers: readonly Uint8Array[], _flags: Fdflags, result: Out<number>): Errno {
    let total = 0;
    for (const buffer of buffers) total += buffer.length;
    const copy = new Uint8Array(total);
    let at = 0;
    for (const buffer of buffers) {
      copy.set(buffer, at);
      at += buffer.length;
    }
    result.value = total;
    if (total === 0) return errno.success;
    const pending = this.deliver(copy);
    // The worker runner's host accepts a promise of the errno (see worker/async-host.ts).
    return pending === undefined ? errno.success : (pending as unknown as Errno);
  }

  override stat(into: Filestat): Errno {
    fillStreamFilestat(into, this.filetype, 0n);
    return errno.success;
  }
}
