// A ceiling, not a WASI host: the least JavaScript can do to answer the calls
// a few of the workloads make (clock, random, write, read, open/close, stat,
// environ), with no checks, no rights, no sandbox and no error handling
// beyond what the workloads need. Its only use is `node bench/ceiling.mjs`:
// how fast a JS host can possibly be on this Node, next to node:wasi, so a
// target above what this reaches is known to be out of reach for any JS host
// built on node:fs. Same constructor/start shape as node:wasi's WASI class.
import { closeSync, fstatSync, lstatSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { randomFillSync } from "node:crypto";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EBADF = 8;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;
const O_WRONLY = 1;
const RIGHT_FD_WRITE = 1n << 6n;

class Exit {
  constructor(code) {
    this.code = code;
  }
}

export class WASI {
  #memory = null;
  #bytes = new Uint8Array(0);
  #view = new DataView(new ArrayBuffer(0));
  #words = new BigUint64Array(0);

  constructor({ args = [], env = {}, preopens = {} }) {
    const [guestRoot, hostRoot] = Object.entries(preopens)[0] ?? ["/", "/nonexistent"];
    const argBytes = args.map((text) => encoder.encode(`${text}\0`));
    const envEntries = Object.entries(env).map(([key, value]) => encoder.encode(`${key}=${value}\0`));
    const envText = new Uint8Array(envEntries.reduce((sum, entry) => sum + entry.length, 0));
    const envOffsets = new Uint32Array(envEntries.length);
    envEntries.reduce((at, entry, i) => (envText.set(entry, at), (envOffsets[i] = at), at + entry.length), 0);
    const table32 = new Uint8Array(envOffsets.length * 4);
    let tableBase = -1;
    const rootName = encoder.encode(guestRoot);
    const files = new Map();
    const pool = new Uint8Array(65536);
    let poolUsed = pool.length;
    const self = this;
    // After memory.grow the old buffer is detached and its views read as empty.
    const fresh = () => {
      if (self.#bytes.byteLength === 0) {
        const buffer = self.#memory.buffer;
        self.#bytes = new Uint8Array(buffer);
        self.#view = new DataView(buffer);
        self.#words = new BigUint64Array(buffer, 0, buffer.byteLength >>> 3);
      }
    };
    const text = (pointer, length) => decoder.decode(self.#bytes.subarray(pointer, pointer + length));
    const hostPath = (pointer, length) => `${hostRoot}/${text(pointer, length)}`;
    this.wasiImport = {
      args_sizes_get(count, size) {
        fresh();
        self.#view.setUint32(count, argBytes.length, true);
        self.#view.setUint32(
          size,
          argBytes.reduce((sum, arg) => sum + arg.length, 0),
          true,
        );
        return 0;
      },
      args_get(table, buffer) {
        fresh();
        argBytes.reduce((at, arg, i) => (self.#view.setUint32(table + 4 * i, at, true), self.#bytes.set(arg, at), at + arg.length), buffer);
        return 0;
      },
      environ_sizes_get(count, size) {
        fresh();
        self.#view.setUint32(count, envOffsets.length, true);
        self.#view.setUint32(size, envText.length, true);
        return 0;
      },
      environ_get(table, buffer) {
        fresh();
        self.#bytes.set(envText, buffer);
        // The pointer table depends only on where the strings go: build it
        // once per base address, then it is one more copy.
        if (buffer !== tableBase) {
          const view = new DataView(table32.buffer);
          for (let i = 0; i < envOffsets.length; i++) view.setUint32(4 * i, buffer + envOffsets[i], true);
          tableBase = buffer;
        }
        self.#bytes.set(table32, table);
        return 0;
      },
      clock_time_get(_id, _precision, result) {
        fresh();
        self.#words[result >>> 3] = process.hrtime.bigint();
        return 0;
      },
      random_get(buffer, length) {
        fresh();
        if (poolUsed + length > pool.length) {
          randomFillSync(pool);
          poolUsed = 0;
        }
        const bytes = self.#bytes;
        for (let i = 0; i < length; i++) bytes[buffer + i] = pool[poolUsed + i];
        poolUsed += length;
        return 0;
      },
      fd_write(fd, iovs, _count, result) {
        fresh();
        const view = self.#view;
        const start = view.getUint32(iovs, true);
        const length = view.getUint32(iovs + 4, true);
        const file = files.get(fd);
        let written;
        if (file === undefined) {
          written = writeSync(fd, self.#bytes, start, length, null);
        } else {
          written = writeSync(file.fd, self.#bytes, start, length, file.position);
          file.position += written;
        }
        view.setUint32(result, written, true);
        return 0;
      },
      fd_read(fd, iovs, _count, result) {
        fresh();
        const view = self.#view;
        const file = files.get(fd);
        const got = readSync(file.fd, self.#bytes, view.getUint32(iovs, true), view.getUint32(iovs + 4, true), file.position);
        file.position += got;
        view.setUint32(result, got, true);
        return 0;
      },
      fd_pread(fd, iovs, _count, offset, result) {
        fresh();
        const view = self.#view;
        const got = readSync(files.get(fd).fd, self.#bytes, view.getUint32(iovs, true), view.getUint32(iovs + 4, true), Number(offset));
        view.setUint32(result, got, true);
        return 0;
      },
      fd_seek(fd, offset, whence, result) {
        fresh();
        const file = files.get(fd);
        const base = whence === 0 ? 0 : whence === 1 ? file.position : fstatSync(file.fd).size;
        file.position = base + Number(offset);
        self.#view.setBigUint64(result, BigInt(file.position), true);
        return 0;
      },
      fd_prestat_get(fd, result) {
        fresh();
        if (fd !== 3) return EBADF;
        self.#view.setUint8(result, 0);
        self.#view.setUint32(result + 4, rootName.length, true);
        return 0;
      },
      fd_prestat_dir_name(_fd, pointer) {
        fresh();
        self.#bytes.set(rootName, pointer);
        return 0;
      },
      fd_fdstat_get(fd, result) {
        fresh();
        const view = self.#view;
        view.setUint8(result, fd <= 2 ? 2 : fd === 3 ? 3 : 4);
        view.setUint16(result + 2, 0, true);
        view.setBigUint64(result + 8, 0xffffffffffffffffn, true);
        view.setBigUint64(result + 16, 0xffffffffffffffffn, true);
        return 0;
      },
      fd_filestat_get(fd, result) {
        fresh();
        const stats = fstatSync(files.get(fd).fd, { bigint: true });
        self.#view.setUint8(result + 16, 4);
        self.#view.setBigUint64(result + 32, stats.size, true);
        return 0;
      },
      fd_close(fd) {
        const file = files.get(fd);
        if (file === undefined) return EBADF;
        closeSync(file.fd);
        files.delete(fd);
        return 0;
      },
      path_open(_dirfd, _lookup, path, pathLength, oflags, rightsBase, _inheriting, _fdflags, result) {
        fresh();
        let flags = (rightsBase & RIGHT_FD_WRITE) !== 0n ? O_WRONLY : 0;
        if (oflags & 1) flags |= O_CREAT;
        if (oflags & 8) flags |= O_TRUNC;
        const fd = openSync(hostPath(path, pathLength), flags, 0o644);
        let guestFd = 4;
        while (files.has(guestFd)) guestFd++;
        files.set(guestFd, { fd, position: 0 });
        self.#view.setUint32(result, guestFd, true);
        return 0;
      },
      path_filestat_get(_fd, _lookup, path, pathLength, result) {
        fresh();
        const stats = lstatSync(hostPath(path, pathLength), { bigint: true });
        const view = self.#view;
        view.setBigUint64(result, stats.dev, true);
        view.setBigUint64(result + 8, stats.ino, true);
        view.setUint8(result + 16, stats.isFile() ? 4 : 3);
        view.setBigUint64(result + 24, stats.nlink, true);
        view.setBigUint64(result + 32, stats.size, true);
        return 0;
      },
      path_unlink_file(_fd, path, pathLength) {
        fresh();
        unlinkSync(hostPath(path, pathLength));
        return 0;
      },
      proc_exit(code) {
        throw new Exit(code);
      },
    };
  }

  getImportObject() {
    return { wasi_snapshot_preview1: this.wasiImport };
  }

  start(instance) {
    this.#memory = instance.exports.memory;
    try {
      instance.exports._start();
      return 0;
    } catch (error) {
      if (error instanceof Exit) return error.code;
      throw error;
    }
  }
}
