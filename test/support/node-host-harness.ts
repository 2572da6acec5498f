/**
 * Drives the Node host through the generated glue, as a guest would: arguments
 * are laid out in a real WebAssembly.Memory with the generated codecs and the
 * import functions are called with raw addresses, so every value reaches the
 * host decoded exactly as it is for a wasm module. Results are read back with
 * the codecs too.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { createPreview1Imports, type Preview1Imports } from "../../src/generated/preview1/glue.js";
import {
  direntCodec,
  eventCodec,
  fdstatCodec,
  filestatCodec,
  iovecCodec,
  prestatCodec,
  rightsAll,
  subscriptionCodec,
  type Dirent,
  type Event,
  type Fdstat,
  type Filestat,
  type Prestat,
  type Subscription,
} from "../../src/generated/preview1/types.js";
import { createNodeHost, type NodeHostOptions } from "../../src/impl/node/index.js";
import type { ClosableHost } from "../../src/impl/preview1/compose-host.js";
import { GuestMemory, PASSTHROUGH, type Codec } from "../../src/runtime/index.js";

/** What proc_exit throws in these tests. */
export class ExitSignal extends Error {
  readonly [PASSTHROUGH] = true;
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface HarnessOptions extends Partial<Omit<NodeHostOptions, "onExit">> {}

export const OFLAGS = { creat: 1, directory: 2, excl: 4, trunc: 8 } as const;

export class Harness {
  readonly memory = new WebAssembly.Memory({ initial: 64 });
  readonly guest = new GuestMemory();
  readonly host: ClosableHost;
  readonly imports: Preview1Imports;
  private next = 64;

  constructor(options: HarnessOptions = {}) {
    this.host = createNodeHost({
      args: [],
      env: [],
      preopens: [],
      stdin: 0,
      stdout: 1,
      stderr: 2,
      ...options,
      onExit: (code) => {
        throw new ExitSignal(code);
      },
    });
    this.imports = createPreview1Imports(this.host, this.guest);
    this.guest.attach(this.memory);
  }

  get bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  get view(): DataView {
    return new DataView(this.memory.buffer);
  }

  /** A fresh, zeroed region of guest memory. */
  alloc(size: number, align = 8): number {
    const at = (this.next + align - 1) & ~(align - 1);
    this.next = at + size;
    if (this.next > this.memory.buffer.byteLength) {
      this.next = 64;
      return this.alloc(size, align);
    }
    this.bytes.fill(0, at, at + size);
    return at;
  }

  /** Copies bytes into guest memory: [address, length]. */
  put(data: Uint8Array | string): [number, number] {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    const at = this.alloc(Math.max(bytes.length, 1), 1);
    this.bytes.set(bytes, at);
    return [at, bytes.length];
  }

  take(address: number, length: number): Uint8Array {
    return this.bytes.slice(address, address + length);
  }

  text(address: number, length: number): string {
    return new TextDecoder().decode(this.take(address, length));
  }

  store<T>(codec: Codec<T>, value: T): number {
    const at = this.alloc(codec.size, codec.align);
    codec.write(this.view, at, value);
    return at;
  }

  load<T>(codec: Codec<T>, address: number): T {
    return codec.read(this.view, address);
  }

  u32(address: number): number {
    return this.view.getUint32(address, true);
  }

  u64(address: number): bigint {
    return this.view.getBigUint64(address, true);
  }

  /** An iovec array over the given buffers: [address, count]. */
  iovecs(buffers: readonly [address: number, length: number][]): [number, number] {
    const at = this.alloc(iovecCodec.size * Math.max(buffers.length, 1), iovecCodec.align);
    for (const [index, [buf, buf_len]] of buffers.entries()) iovecCodec.write(this.view, at + index * iovecCodec.size, { buf, buf_len });
    return [at, buffers.length];
  }

  // ---- calls with decoded results ----

  open(
    dirFd: number,
    guestPath: string,
    options: { oflags?: number; base?: bigint; inheriting?: bigint; fdflags?: number; follow?: boolean } = {},
  ): [errno: number, fd: number] {
    const [p, n] = this.put(guestPath);
    const out = this.alloc(4, 4);
    const error = this.imports.path_open(
      dirFd,
      options.follow === false ? 0 : 1,
      p,
      n,
      options.oflags ?? 0,
      options.base ?? rightsAll,
      options.inheriting ?? rightsAll,
      options.fdflags ?? 0,
      out,
    );
    return [error, error === 0 ? this.u32(out) : -1];
  }

  write(fd: number, ...chunks: (string | Uint8Array)[]): [errno: number, written: number] {
    const [iovs, count] = this.iovecs(chunks.map((chunk) => this.put(chunk)));
    const out = this.alloc(4, 4);
    const error = this.imports.fd_write(fd, iovs, count, out);
    return [error, error === 0 ? this.u32(out) : -1];
  }

  pwrite(fd: number, offset: bigint, ...chunks: (string | Uint8Array)[]): [errno: number, written: number] {
    const [iovs, count] = this.iovecs(chunks.map((chunk) => this.put(chunk)));
    const out = this.alloc(4, 4);
    const error = this.imports.fd_pwrite(fd, iovs, count, offset, out);
    return [error, error === 0 ? this.u32(out) : -1];
  }

  /** Reads into buffers of the given sizes; returns the bytes read, concatenated. */
  read(fd: number, ...sizes: number[]): [errno: number, data: string] {
    const buffers = sizes.map((size) => [this.alloc(Math.max(size, 1), 1), size] as [number, number]);
    const [iovs, count] = this.iovecs(buffers);
    const out = this.alloc(4, 4);
    const error = this.imports.fd_read(fd, iovs, count, out);
    return [error, error === 0 ? this.gather(buffers, this.u32(out)) : ""];
  }

  pread(fd: number, offset: bigint, ...sizes: number[]): [errno: number, data: string] {
    const buffers = sizes.map((size) => [this.alloc(Math.max(size, 1), 1), size] as [number, number]);
    const [iovs, count] = this.iovecs(buffers);
    const out = this.alloc(4, 4);
    const error = this.imports.fd_pread(fd, iovs, count, offset, out);
    return [error, error === 0 ? this.gather(buffers, this.u32(out)) : ""];
  }

  private gather(buffers: [number, number][], total: number): string {
    let left = total;
    let text = "";
    for (const [address, size] of buffers) {
      const n = Math.min(size, left);
      text += this.text(address, n);
      left -= n;
    }
    return text;
  }

  seek(fd: number, offset: bigint, whence: number): [errno: number, position: bigint] {
    const out = this.alloc(8, 8);
    const error = this.imports.fd_seek(fd, offset, whence, out);
    return [error, error === 0 ? this.u64(out) : -1n];
  }

  tell(fd: number): [errno: number, position: bigint] {
    const out = this.alloc(8, 8);
    const error = this.imports.fd_tell(fd, out);
    return [error, error === 0 ? this.u64(out) : -1n];
  }

  fdstat(fd: number): [errno: number, stat: Fdstat | null] {
    const out = this.alloc(fdstatCodec.size, fdstatCodec.align);
    const error = this.imports.fd_fdstat_get(fd, out);
    return [error, error === 0 ? this.load(fdstatCodec, out) : null];
  }

  filestat(fd: number): [errno: number, stat: Filestat | null] {
    const out = this.alloc(filestatCodec.size, filestatCodec.align);
    const error = this.imports.fd_filestat_get(fd, out);
    return [error, error === 0 ? this.load(filestatCodec, out) : null];
  }

  pathFilestat(fd: number, guestPath: string, follow = true): [errno: number, stat: Filestat | null] {
    const [p, n] = this.put(guestPath);
    const out = this.alloc(filestatCodec.size, filestatCodec.align);
    const error = this.imports.path_filestat_get(fd, follow ? 1 : 0, p, n, out);
    return [error, error === 0 ? this.load(filestatCodec, out) : null];
  }

  prestat(fd: number): [errno: number, stat: Prestat | null] {
    const out = this.alloc(prestatCodec.size, prestatCodec.align);
    const error = this.imports.fd_prestat_get(fd, out);
    return [error, error === 0 ? this.load(prestatCodec, out) : null];
  }

  /** fd_readdir into a buffer of `size` bytes: the errno, the bytes used and the raw bytes. */
  readdirRaw(fd: number, size: number, cookie = 0n): [errno: number, used: number, bytes: Uint8Array] {
    const buf = this.alloc(Math.max(size, 1), 8);
    const out = this.alloc(4, 4);
    const error = this.imports.fd_readdir(fd, buf, size, cookie, out);
    const used = error === 0 ? this.u32(out) : 0;
    return [error, used, this.take(buf, used)];
  }

  /** Every entry, walking with a buffer of `size` bytes and resuming from the last whole entry. */
  readdirAll(fd: number, size = 4096): (Dirent & { name: string })[] {
    const entries: (Dirent & { name: string })[] = [];
    let cookie = 0n;
    for (;;) {
      const [error, used, bytes] = this.readdirRaw(fd, size, cookie);
      if (error !== 0) throw new Error(`fd_readdir failed with errno ${error}`);
      const parsed = parseDirents(bytes);
      entries.push(...parsed.whole);
      if (used < size) return entries;
      if (parsed.whole.length === 0) throw new Error(`an entry does not fit in ${size} bytes`);
      cookie = parsed.whole[parsed.whole.length - 1].d_next;
    }
  }

  poll(subscriptions: Subscription[], room = subscriptions.length): [errno: number, events: Event[]] {
    const input = this.alloc(subscriptionCodec.size * Math.max(subscriptions.length, 1), subscriptionCodec.align);
    for (const [index, subscription] of subscriptions.entries()) {
      subscriptionCodec.write(this.view, input + index * subscriptionCodec.size, subscription);
    }
    const output = this.alloc(eventCodec.size * Math.max(room, 1), eventCodec.align);
    const out = this.alloc(4, 4);
    const error = this.imports.poll_oneoff(input, output, subscriptions.length, out);
    if (error !== 0) return [error, []];
    const count = this.u32(out);
    return [error, Array.from({ length: count }, (_, index) => this.load(eventCodec, output + index * eventCodec.size))];
  }

  /** Runs a path call that takes (fd, path) and returns errno. */
  pathCall(call: (fd: number, p: number, n: number) => number, fd: number, guestPath: string): number {
    const [p, n] = this.put(guestPath);
    return call(fd, p, n);
  }

  close(): void {
    this.host.close();
  }
}

/** Splits fd_readdir output into whole entries; a cut-off last entry is left out. */
export function parseDirents(bytes: Uint8Array): { whole: (Dirent & { name: string })[]; truncated: boolean } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const whole: (Dirent & { name: string })[] = [];
  let at = 0;
  while (at + direntCodec.size <= bytes.length) {
    const header = direntCodec.read(view, at);
    const end = at + direntCodec.size + header.d_namlen;
    if (end > bytes.length) return { whole, truncated: true };
    whole.push({ ...header, name: new TextDecoder().decode(bytes.subarray(at + direntCodec.size, end)) });
    at = end;
  }
  return { whole, truncated: at < bytes.length };
}

/** A canonical temporary directory, removed by the returned cleanup. */
export function makeTempDir(prefix: string): [dir: string, cleanup: () => void] {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  return [dir, () => fs.rmSync(dir, { recursive: true, force: true })];
}

/**
 * A fresh temporary directory for each test of the calling file, and after each
 * test the harnesses it kept closed, the host fds it opened closed and the
 * directory removed, so a failing test leaks nothing into the next.
 */
export function perTestDirectory(prefix: string) {
  let cleanup = () => {};
  const opened: number[] = [];
  const harnesses: Harness[] = [];
  const scratch = {
    dir: "",
    /** fs.openSync, closed after the test. */
    open(file: string, flags: number): number {
      const fd = fs.openSync(file, flags);
      opened.push(fd);
      return fd;
    },
    /** Closes `fd` (one `open` gave) now, e.g. to make a pipe's reader go away. */
    closeNow(fd: number): void {
      fs.closeSync(opened.splice(opened.indexOf(fd), 1)[0]);
    },
    /** Closes `harness` after the test. */
    keep(harness: Harness): Harness {
      harnesses.push(harness);
      return harness;
    },
  };
  beforeEach(() => {
    [scratch.dir, cleanup] = makeTempDir(prefix);
  });
  afterEach(() => {
    for (const h of harnesses.splice(0)) h.close();
    for (const fd of opened.splice(0)) fs.closeSync(fd);
    cleanup();
  });
  return scratch;
}

/**
 * Every way a directory descriptor can resolve paths: with the openat2 addon
 * (Linux, when built), through /proc/self/fd in JavaScript (Linux without the
 * addon), and through host paths (other platforms).
 */
export const rootModes: readonly { name: string; procFdRoots: boolean; nativeResolution: boolean }[] = [
  { name: "openat2 addon", procFdRoots: true, nativeResolution: true },
  { name: "proc-fd roots", procFdRoots: true, nativeResolution: false },
  { name: "host-path roots", procFdRoots: false, nativeResolution: false },
];
