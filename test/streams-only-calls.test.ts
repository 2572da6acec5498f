/**
 * The portable WASI class without mounts answers path_* and sock_* from
 * src/impl/preview1/streams-only.ts instead of the full groups (path.ts,
 * sock.ts), so a browser bundle leaves those out. Its answers must be the
 * full groups' answers on the same descriptors: checked here call by call on
 * stdio fds, a closed fd, and an fd the guest closed.
 */
import { describe, expect, it } from "vitest";
import { asFd, errno } from "../src/generated/preview1/types.js";
import { captureOutput } from "../src/impl/stdio/output-sink.js";
import { InputSourceDescription } from "../src/impl/stdio/input-source.js";
import { OutputSinkDescription } from "../src/impl/stdio/output-sink.js";
import { createPortableHost, portableHostWith } from "../src/impl/portable/index.js";
import { StreamsOnlyHost } from "../src/impl/preview1/streams-only.js";
import type { ClosableHost } from "../src/impl/preview1/compose-host.js";

const calls = [
  "path_open",
  "path_create_directory",
  "path_remove_directory",
  "path_unlink_file",
  "path_rename",
  "path_link",
  "path_symlink",
  "path_readlink",
  "path_filestat_get",
  "path_filestat_set_times",
  "sock_accept",
  "sock_recv",
  "sock_send",
  "sock_shutdown",
] as const;

function options() {
  return {
    args: [],
    env: [],
    stdin: new InputSourceDescription("in"),
    stdout: new OutputSinkDescription(captureOutput().write),
    stderr: new OutputSinkDescription(captureOutput().write),
    onExit: (code: number): never => {
      throw new Error(`exit ${code}`);
    },
  };
}

/** Calls `name` with `fd` where each call takes its descriptor (path_symlink: second), the other arguments plausible. */
function answer(host: ClosableHost, name: (typeof calls)[number], fd: number): unknown {
  const path = new Uint8Array(0);
  const out = { value: undefined };
  const method = host[name] as (...args: unknown[]) => unknown;
  if (name === "path_symlink") return method("target", fd, "link");
  if (name === "path_rename") return method(fd, "a", fd, "b");
  if (name === "path_link") return method(fd, 0, "a", fd, "b");
  if (name === "sock_shutdown") return method(fd, 1);
  return method(fd, 0, "a", 0, 0n, 0n, 0, out, path);
}

describe("path_* and sock_* of a host that holds only streams", () => {
  it("answer as the full groups do, on open and closed descriptors", () => {
    const full = createPortableHost(options());
    const lean = portableHostWith(options(), StreamsOnlyHost);
    // fd 2 closed by the guest, fd 7 never open.
    expect(full.fd_close(asFd(2))).toBe(errno.success);
    expect(lean.fd_close(asFd(2))).toBe(errno.success);
    const table = (host: ClosableHost) => calls.map((name) => [name, [0, 1, 2, 3, 7].map((fd) => answer(host, name, fd))]);
    expect(table(lean)).toEqual(table(full));
    expect(table(lean)).toContainEqual(["path_open", [errno.notdir, errno.notdir, errno.badf, errno.badf, errno.badf]]);
    expect(table(lean)).toContainEqual(["sock_recv", [errno.notsock, errno.notsock, errno.badf, errno.badf, errno.badf]]);
  });
});
