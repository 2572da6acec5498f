// What SECURITY.md says about a directory being swapped for a symlink while the
// guest works: which swaps the host withstands, and the one it does not. The
// "concurrent actor" is simulated deterministically: between two calls (what the
// guest itself could do), or inside the host's own open, by wrapping fs.openSync.
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WASI } from "../src/wasi/wasi.js";

const secret = "SECRET-OUTSIDE-RACE";

interface Guest {
  call(name: string, ...args: (number | bigint)[]): number;
  /** Opens `path` under `dirFd` (following links) and returns [errno, content]. */
  read(dirFd: number, path: string): [number, string];
  /** Opens a directory; returns [errno, fd]. */
  openDirectory(dirFd: number, path: string): [number, number];
}

function guestOver(sandbox: string): Guest {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasi = new WASI({ version: "preview1", preopens: { "/sandbox": sandbox }, returnOnExit: true });
  wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
  const imports = wasi.wasiImport as unknown as Record<string, (...args: (number | bigint)[]) => number>;
  const bytes = () => new Uint8Array(memory.buffer);
  const view = () => new DataView(memory.buffer);
  const call = (name: string, ...args: (number | bigint)[]) => imports[name](...args);
  const putPath = (path: string): number => {
    const encoded = new TextEncoder().encode(path);
    bytes().set(encoded, 1024);
    return encoded.length;
  };
  const allRights = (1n << 30n) - 1n;
  const open = (dirFd: number, path: string, oflags: number): [number, number] => {
    const length = putPath(path);
    const error = call("path_open", dirFd, 1, 1024, length, oflags, allRights & ~(1n << 6n), allRights, 0, 16);
    return [error, view().getUint32(16, true)];
  };
  return {
    call,
    openDirectory: (dirFd, path) => open(dirFd, path, 2),
    read(dirFd, path) {
      const [error, fd] = open(dirFd, path, 0);
      if (error !== 0) return [error, ""];
      view().setUint32(32, 2048, true);
      view().setUint32(36, 256, true);
      const readError = call("fd_read", fd, 32, 1, 40);
      const content = new TextDecoder().decode(bytes().subarray(2048, 2048 + view().getUint32(40, true)));
      call("fd_close", fd);
      return [readError, content];
    },
  };
}

let root: string;
let sandbox: string;
let outside: string;

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), "witx-race-")));
  sandbox = join(root, "sandbox");
  outside = join(root, "outside");
  fs.mkdirSync(join(sandbox, "dir"), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(join(sandbox, "dir", "nested.txt"), "inside-nested");
  fs.writeFileSync(join(outside, "nested.txt"), secret);
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Replaces sandbox/dir with a symlink to the outside directory. */
function swapDirForLink(): void {
  fs.renameSync(join(sandbox, "dir"), join(sandbox, "dir-moved"));
  fs.symlinkSync(outside, join(sandbox, "dir"));
}

describe("a directory swapped for a symlink", () => {
  it("between calls, a descriptor the guest holds on it still means the directory it opened", () => {
    const guest = guestOver(sandbox);
    const [error, dirFd] = guest.openDirectory(3, "dir");
    expect(error).toBe(0);
    swapDirForLink();
    // On Linux the descriptor resolves through /proc/self/fd and still reaches the
    // moved directory; without /proc the host refuses a root that changed.
    const [readError, content] = guest.read(dirFd, "nested.txt");
    expect(content).not.toContain(secret);
    expect([[0, "inside-nested"], [76, ""]]).toContainEqual([readError, content]);
  });

  it("between calls, a path through it from the preopen is refused (the link leads outside)", () => {
    const guest = guestOver(sandbox);
    swapDirForLink();
    expect(guest.read(3, "dir/nested.txt")).toEqual([76, ""]);
  });

  describe("while the host opens a path through it (another process racing the open)", () => {
    const original = fs.openSync;
    afterEach(() => {
      fs.openSync = original;
      syncBuiltinESMExports();
    });

    // Known gap, documented in SECURITY.md ("What is not covered"): the host
    // checks `dir` and then opens the path string, and nothing compares what it
    // opened with what it checked. This is green only while the escape happens:
    // it turns red the day it is fixed (or the swap stops landing), so that this
    // test and the document get updated.
    it.fails("the open does not reach outside", () => {
      const guest = guestOver(sandbox);
      let swapped = false;
      fs.openSync = ((path: fs.PathLike, ...rest: unknown[]) => {
        if (!swapped && String(path).endsWith("/dir/nested.txt")) {
          swapped = true;
          swapDirForLink();
        }
        return (original as (...args: unknown[]) => number)(path, ...rest);
      }) as typeof fs.openSync;
      syncBuiltinESMExports();
      const [, content] = guest.read(3, "dir/nested.txt");
      expect(content).not.toContain(secret);
    });
  });
});
