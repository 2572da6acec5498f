/**
 * wasi-threads on the worker runner: the parts both threads agree on. A guest
 * that imports `wasi`.`thread-spawn` gets a forwarder for it in every worker;
 * the call crosses the thread's channel like a WASI call, under a function
 * number no generated function has, and the host thread starts the new
 * thread (threads.ts). No Node here.
 */

/** The channel's function number for `thread-spawn` (generated functions are numbered from 0). */
export const THREAD_SPAWN = -1;

export const THREAD_SPAWN_MODULE = "wasi";
export const THREAD_SPAWN_NAME = "thread-spawn";
export const THREAD_START_EXPORT = "wasi_thread_start";

/** Whether `module` imports `wasi`.`thread-spawn` as a function. */
export function importsThreadSpawn(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some(
    (entry) => entry.module === THREAD_SPAWN_MODULE && entry.name === THREAD_SPAWN_NAME && entry.kind === "function",
  );
}

/** Whether `module` exports the entry point a spawned thread runs. */
export function exportsThreadStart(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.exports(module).some((entry) => entry.name === THREAD_START_EXPORT && entry.kind === "function");
}
