/**
 * Embedder-defined files placed at a guest path (see the README section "In-memory directories and embedder files").
 *
 * A `MountedFile` is a factory: every path_open of it gets a new description
 * (its own position), made by `open`. The tree supplies what only it knows —
 * device, inode, link count, times — through `MountIdentity`, so fd_filestat_get
 * on the description and path_filestat_get on the name agree.
 *
 * Two ready-made kinds: `readOnlyFile` (a regular file over fixed bytes) and
 * `generatedDevice` (a character device whose reads produce bytes on demand,
 * like /dev/zero or a counter). Both refuse to be opened for writing with
 * `rofs`.
 */
import type { Out } from "../../runtime/out.js";
import {
  oflags,
  type Advice,
  type Errno,
  type Eventtype,
  type Fdflags,
  type Filestat,
  type Filetype,
  type Whence,
} from "../../generated/preview1/types.js";
import * as eventtype from "../../generated/preview1/eventtype.js";
import * as filetype from "../../generated/preview1/filetype.js";
import * as whence from "../../generated/preview1/whence.js";
import * as errno from "../../generated/preview1/errno.js";
import { BaseDescription, type FileDescription, type OpenRequest } from "../description.js";
import { planMounts } from "./mount-plan.js";
import { mountPlanner, type MountPlanner } from "./mount-planner.js";

/** Fills the parts of a Filestat that belong to the tree: dev, ino, nlink, times (and filetype, size from the mount). */
export interface MountIdentity {
  fill(into: Filestat): void;
}

export interface MountedFile {
  /**
   * Set by the ready-made kinds: the rules of the `mounts` option, which the
   * WASI class finds here (see mount-planner.ts). A hand-made file, without
   * it, must be mounted inside a MemoryDirectory mount or beside a ready-made one.
   */
  readonly [mountPlanner]?: MountPlanner;
  /** What the name reports before it is opened (path_filestat_get, fd_readdir) and what rights an fd on it may hold. */
  readonly filetype: Filetype;
  /** The size path_filestat_get reports. */
  size(): bigint;
  /** A new description for one path_open, or the errno refusing it (`request` says what the granted rights imply). */
  open(request: OpenRequest, identity: MountIdentity): FileDescription | Errno;
}

function wantsChange(request: OpenRequest): boolean {
  return request.write || (request.oflags & oflags.trunc) !== 0;
}

/** A read-only regular file over `content` (a string is stored as UTF-8). */
export function readOnlyFile(content: string | Uint8Array): MountedFile {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : Uint8Array.from(content);
  return {
    [mountPlanner]: planMounts,
    filetype: filetype.regular_file,
    size: () => BigInt(bytes.length),
    open(request, identity) {
      if (wantsChange(request)) return errno.rofs;
      return new ReadOnlyFileDescription(bytes, identity);
    },
  };
}

/**
 * A read-only character device. `generate(into, offset)` fills `into`
 * completely; `offset` is how many bytes this description produced before,
 * so a device can continue a sequence (a counter) or ignore it (zeros).
 */
export function generatedDevice(generate: (into: Uint8Array, offset: bigint) => void): MountedFile {
  return {
    [mountPlanner]: planMounts,
    filetype: filetype.character_device,
    size: () => 0n,
    open(request, identity) {
      if (wantsChange(request)) return errno.rofs;
      return new GeneratedDeviceDescription(generate, identity);
    },
  };
}

class ReadOnlyFileDescription extends BaseDescription {
  readonly filetype = filetype.regular_file;
  private position = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly identity: MountIdentity,
  ) {
    super();
  }

  private copyOut(buffers: readonly Uint8Array[], from: number): number {
    let at = from;
    for (const buffer of buffers) {
      if (at >= this.bytes.length) break;
      const chunk = this.bytes.subarray(at, Math.min(this.bytes.length, at + buffer.length));
      buffer.set(chunk);
      at += chunk.length;
    }
    return at - from;
  }

  override read(buffers: readonly Uint8Array[], _flags: Fdflags, result: Out<number>): Errno {
    const count = this.copyOut(buffers, this.position);
    this.position += count;
    result.value = count;
    return errno.success;
  }

  override pread(buffers: readonly Uint8Array[], offset: bigint, result: Out<number>): Errno {
    if (offset > maxOffset) return errno.inval;
    result.value = offset >= BigInt(this.bytes.length) ? 0 : this.copyOut(buffers, Number(offset));
    return errno.success;
  }

  /** Opened without write rights, so the fd table refuses writes first; this is the answer behind it. */
  override write(): Errno {
    return errno.badf;
  }
  override pwrite(): Errno {
    return errno.badf;
  }

  override seek(offset: bigint, anchor: Whence, result: Out<bigint | number>): Errno {
    const base = anchor === whence.set ? 0n : anchor === whence.cur ? BigInt(this.position) : BigInt(this.bytes.length);
    const target = base + offset;
    if (target < 0n || target > maxSafe) return errno.inval;
    this.position = Number(target);
    result.value = this.position;
    return errno.success;
  }

  override tell(result: Out<bigint | number>): Errno {
    result.value = this.position;
    return errno.success;
  }

  override stat(into: Filestat): Errno {
    this.identity.fill(into);
    return errno.success;
  }

  override setSize(): Errno {
    return errno.badf;
  }

  override setTimes(): Errno {
    return errno.rofs;
  }

  override sync(): Errno {
    return errno.success;
  }

  override datasync(): Errno {
    return errno.success;
  }

  override advise(offset: bigint, length: bigint, _advice: Advice): Errno {
    return offset > maxOffset || length > maxOffset ? errno.inval : errno.success;
  }

  override readiness(kind: Eventtype, nbytes: Out<bigint>): Errno {
    const left = this.bytes.length - this.position;
    nbytes.value = kind === eventtype.fd_read && left > 0 ? BigInt(left) : 0n;
    return errno.success;
  }
}

class GeneratedDeviceDescription extends BaseDescription {
  readonly filetype = filetype.character_device;
  private produced = 0n;

  constructor(
    private readonly generate: (into: Uint8Array, offset: bigint) => void,
    private readonly identity: MountIdentity,
  ) {
    super();
  }

  override read(buffers: readonly Uint8Array[], _flags: Fdflags, result: Out<number>): Errno {
    let count = 0;
    for (const buffer of buffers) {
      if (buffer.length === 0) continue;
      this.generate(buffer, this.produced);
      this.produced += BigInt(buffer.length);
      count += buffer.length;
    }
    result.value = count;
    return errno.success;
  }

  override stat(into: Filestat): Errno {
    this.identity.fill(into);
    return errno.success;
  }

  override setTimes(): Errno {
    return errno.rofs;
  }
}

/** off_t's limit, and the largest offset a JS number holds exactly. */
const maxOffset = (1n << 63n) - 1n;
const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
