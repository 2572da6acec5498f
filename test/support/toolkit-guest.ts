/**
 * A small guest, written in wat, whose exports are thin wrappers over a few WASI
 * calls, so a test can drive WASI from JS through a real wasm instance (and the
 * same module can run on node:wasi for comparison).
 *
 * Exports (all return the errno, except proc_exit which does not return):
 *   write(fd, ptr, len)              fd_write of one buffer; bytes written at 0x10
 *   open(dirfd, ptr, len, oflags)    path_open with read/write rights; new fd at 0x18
 *   close(fd)                        fd_close
 *   prestat_name(fd, ptr, len)       fd_prestat_get (name length at 0x20) then fd_prestat_dir_name
 *   exit(code)                       proc_exit
 *   exit_caught(code)                proc_exit inside try/catch_all, then returns 7 (needs exceptions)
 * Memory: 0x100 onwards is free for the test's data.
 * The entry point, if any, runs `entryBody` (wat instructions, which may call
 * the wrappers as $write, $open, $close, $exit, $exit_caught).
 */
import loadWabt from "wabt";

const wabt = await loadWabt();

type MemoryKind =
  /** `(memory (export "memory") 1)`. */
  | "exported"
  /** Imported as `env.memory`, shared, 1..1 pages, and re-exported as `memory`. */
  | "imported-shared-exported"
  /** Imported as `env.memory`, shared, 1..1 pages, not exported. */
  | "imported-shared";

export interface ToolkitOptions {
  module?: "wasi_snapshot_preview1" | "wasi_unstable";
  entry?: "_start" | "_initialize" | null;
  entryBody?: string;
  memory?: MemoryKind;
  /** Include exit_caught, which needs the exception-handling proposal. */
  catchAll?: boolean;
  /** Strings to place in memory before anything runs: address → text. */
  data?: Record<number, string>;
}

export const scratch = { nwritten: 0x10, openedFd: 0x18, prestatNameLength: 0x20, iovec: 0x40, prestat: 0x48, free: 0x100 } as const;

function memoryDeclaration(kind: MemoryKind): string {
  switch (kind) {
    case "exported":
      return `(memory (export "memory") 1)`;
    case "imported-shared-exported":
      return `(import "env" "memory" (memory $mem 1 1 shared)) (export "memory" (memory $mem))`;
    case "imported-shared":
      return `(import "env" "memory" (memory 1 1 shared))`;
  }
}

function toolkitWat(options: ToolkitOptions = {}): string {
  const wasi = options.module ?? "wasi_snapshot_preview1";
  const memory = memoryDeclaration(options.memory ?? "exported");
  const entry = options.entry === undefined ? null : options.entry;
  // The text format wants imports before definitions: an imported memory goes first, a defined one after the imports.
  return `(module
  ${options.memory === "exported" || options.memory === undefined ? "" : memory}
  (import "${wasi}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "${wasi}" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "${wasi}" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "${wasi}" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "${wasi}" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "${wasi}" "proc_exit" (func $proc_exit (param i32)))
  ${options.memory === "exported" || options.memory === undefined ? memory : ""}
  (func $write (export "write") (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const ${scratch.iovec}) (local.get $ptr))
    (i32.store (i32.const ${scratch.iovec + 4}) (local.get $len))
    (call $fd_write (local.get $fd) (i32.const ${scratch.iovec}) (i32.const 1) (i32.const ${scratch.nwritten})))
  (func $open (export "open") (param $dir i32) (param $ptr i32) (param $len i32) (param $oflags i32) (result i32)
    ;; rights: fd_read (bit 1) | fd_seek (bit 2) | fd_write (bit 6) | fd_filestat_get (bit 21)
    (call $path_open (local.get $dir) (i32.const 1) (local.get $ptr) (local.get $len) (local.get $oflags)
      (i64.const 0x200046) (i64.const 0) (i32.const 0) (i32.const ${scratch.openedFd})))
  (func $close (export "close") (param $fd i32) (result i32)
    (call $fd_close (local.get $fd)))
  (func (export "prestat_name") (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (local $error i32)
    (local.set $error (call $fd_prestat_get (local.get $fd) (i32.const ${scratch.prestat})))
    (if (local.get $error) (then (return (local.get $error))))
    (i32.store (i32.const ${scratch.prestatNameLength}) (i32.load (i32.const ${scratch.prestat + 4})))
    (call $fd_prestat_dir_name (local.get $fd) (local.get $ptr) (local.get $len)))
  (func $exit (export "exit") (param $code i32)
    (call $proc_exit (local.get $code)))
  ${
    options.catchAll
      ? `(func $exit_caught (export "exit_caught") (param $code i32) (result i32)
    (try (do (call $proc_exit (local.get $code))) (catch_all))
    (i32.const 7))`
      : ""
  }
  ${Object.entries(options.data ?? {})
    .map(([address, text]) => `(data (i32.const ${address}) ${JSON.stringify(text)})`)
    .join("\n  ")}
  ${entry === null ? "" : `(func (export "${entry}") ${options.entryBody ?? ""})`}
)`;
}

export function toolkitModule(options: ToolkitOptions = {}): WebAssembly.Module {
  const module = wabt.parseWat("toolkit.wat", toolkitWat(options), { exceptions: true, threads: true });
  try {
    module.resolveNames();
    // No wabt validate(): it refuses shared memories whatever the features say; V8 validates on compile.
    return new WebAssembly.Module(new Uint8Array(module.toBinary({}).buffer));
  } finally {
    module.destroy();
  }
}

export interface ToolkitExports {
  memory: WebAssembly.Memory;
  write(fd: number, ptr: number, len: number): number;
  open(dir: number, ptr: number, len: number, oflags: number): number;
  close(fd: number): number;
  prestat_name(fd: number, ptr: number, len: number): number;
  exit(code: number): void;
  exit_caught(code: number): number;
}

/** Puts `text` (UTF-8) into guest memory at `at`; returns its byte length. */
export function putText(memory: WebAssembly.Memory, at: number, text: string): number {
  const bytes = Buffer.from(text);
  new Uint8Array(memory.buffer).set(bytes, at);
  return bytes.length;
}

export function readText(memory: WebAssembly.Memory, at: number, length: number): string {
  return Buffer.from(new Uint8Array(memory.buffer).slice(at, at + length)).toString();
}
