/**
 * Stdin fed by a source whose data arrives over time: process.stdin (a TTY or
 * a pipe), a Node Readable, a web ReadableStream or any async iterable. Only
 * the worker runner uses it: a read that finds nothing buffered answers with a
 * promise, so the guest waits in its worker while the event loop fills the
 * buffer. A read returns what has arrived (up to what was asked), as a read
 * on a pipe does; an empty read is end of file.
 *
 * At most `highWater` bytes are buffered: a Node stream is paused, and an
 * iterable or web stream is not pulled, until the guest has read below it.
 */
import type { Out } from "../../runtime/out.js";
import type { Errno, Eventtype, Fdflags, Filestat } from "../../generated/preview1/types.js";
import * as eventtype from "../../generated/preview1/eventtype.js";
import * as fdflags from "../../generated/preview1/fdflags.js";
import * as filetype from "../../generated/preview1/filetype.js";
import * as errno from "../../generated/preview1/errno.js";
import { BaseDescription } from "../description.js";
import { ChangeSignal } from "../change-signal.js";
import { fillStreamFilestat } from "./stream-filestat.js";

/** A Node readable stream, as far as this module uses one. */
export interface NodeReadableLike {
  on(event: "data", listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: "end" | "close", listener: () => void): unknown;
  on(event: "error", listener: (error: unknown) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  /** Node streams say whether 'end' or 'close' already happened: those are not emitted again. */
  readonly readableEnded?: boolean;
  readonly destroyed?: boolean;
}

/** What the worker runner reads stdin from, besides what the in-thread WASI takes. */
export type StreamSource = NodeReadableLike | AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array | string>;

const encoder = new TextEncoder();

export function isStreamSource(value: unknown): value is StreamSource {
  if (value === null || typeof value !== "object") return false;
  const candidate = value as Record<string | symbol, unknown>;
  return (
    typeof candidate[Symbol.asyncIterator] === "function" ||
    typeof candidate.getReader === "function" ||
    (typeof candidate.on === "function" && typeof candidate.pause === "function")
  );
}

function bytesOf(chunk: Uint8Array | string): Uint8Array {
  // A copy: the producer may reuse its buffer once it has handed it over.
  return typeof chunk === "string" ? encoder.encode(chunk) : new Uint8Array(chunk);
}

export class StreamInputDescription extends BaseDescription {
  readonly filetype = filetype.unknown;
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;
  private failed = false;
  private closed = false;
  private readonly change = new ChangeSignal();
  /** Asks the source for more once the guest has drained the buffer below highWater. */
  private demand: () => void = () => {};
  private detach: () => void = () => {};

  constructor(
    source: StreamSource,
    private readonly highWater = 64 * 1024,
  ) {
    super();
    if (typeof (source as NodeReadableLike).on === "function" && typeof (source as NodeReadableLike).pause === "function") {
      this.fromNodeStream(source as NodeReadableLike);
    } else if (typeof (source as ReadableStream).getReader === "function") {
      const reader = (source as ReadableStream<Uint8Array | string>).getReader();
      this.detach = () => void reader.cancel().catch(() => {});
      this.pump(async () => {
        const next = await reader.read();
        return next.done ? null : next.value;
      });
    } else {
      const iterator = (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
      this.detach = () => void iterator.return?.()?.catch?.(() => {});
      this.pump(async () => {
        const next = await iterator.next();
        return next.done === true ? null : next.value;
      });
    }
  }

  private fromNodeStream(stream: NodeReadableLike): void {
    const onData = (chunk: Uint8Array | string) => {
      this.push(bytesOf(chunk));
      if (this.buffered >= this.highWater) stream.pause();
    };
    const onEnd = () => this.finish(false);
    const onError = () => this.finish(true);
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("close", onEnd);
    stream.on("error", onError);
    this.demand = () => void stream.resume();
    this.detach = () => {
      stream.removeListener("data", onData);
      stream.removeListener("end", onEnd);
      stream.removeListener("close", onEnd);
      stream.removeListener("error", onError);
      stream.pause();
    };
    stream.resume();
    if (stream.readableEnded === true || stream.destroyed === true) this.finish(false);
  }

  /** Pulls chunks while there is room; `next` gives null at the end. */
  private pump(next: () => Promise<Uint8Array | string | null>): void {
    let pulling = false;
    const pull = async (): Promise<void> => {
      if (pulling) return;
      pulling = true;
      try {
        while (!this.ended && this.buffered < this.highWater) {
          const chunk = await next();
          if (chunk === null) {
            this.finish(false);
            return;
          }
          this.push(bytesOf(chunk));
        }
      } catch {
        this.finish(true);
      } finally {
        pulling = false;
      }
    };
    this.demand = () => void pull();
    void pull();
  }

  private push(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.ended) return;
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    this.change.notify();
  }

  private finish(failed: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.failed = failed;
    this.change.notify();
  }

  override read(buffers: readonly Uint8Array[], flags: Fdflags, result: Out<number>): Errno {
    if (this.buffered === 0 && !this.ended) {
      if ((flags & fdflags.nonblock) !== 0) return errno.again;
      // The worker runner's host accepts a promise of the errno (see worker/async-host.ts).
      return this.change.next().then(() => this.read(buffers, flags, result)) as unknown as Errno;
    }
    if (this.buffered === 0 && this.failed) return errno.io;
    let copied = 0;
    for (const buffer of buffers) {
      let room = buffer.length;
      while (room > 0 && this.chunks.length > 0) {
        const chunk = this.chunks[0];
        const count = Math.min(room, chunk.length);
        buffer.set(chunk.subarray(0, count), buffer.length - room);
        room -= count;
        copied += count;
        if (count === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(count);
      }
      if (this.chunks.length === 0) break;
    }
    this.buffered -= copied;
    if (!this.ended && this.buffered < this.highWater) this.demand();
    result.value = copied;
    return errno.success;
  }

  override stat(into: Filestat): Errno {
    fillStreamFilestat(into, this.filetype, BigInt(this.buffered));
    return errno.success;
  }

  override readiness(kind: Eventtype, nbytes: Out<bigint>): Errno {
    nbytes.value = kind === eventtype.fd_read ? BigInt(this.buffered) : 0n;
    return errno.success;
  }

  whenReady(kind: Eventtype): Promise<void> | null {
    if (kind !== eventtype.fd_read || this.buffered > 0 || this.ended) return null;
    return this.change.next();
  }

  hangup(): boolean {
    return this.ended && this.buffered === 0;
  }

  /** Stops listening to the source; called when the run ends. */
  override close(): Errno {
    if (this.closed) return errno.success;
    this.closed = true;
    this.detach();
    this.finish(false);
    return errno.success;
  }
}
