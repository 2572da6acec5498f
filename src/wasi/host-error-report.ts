/**
 * What happens to an exception thrown by host code (an embedder's stdout
 * callback, an `extendHost` override) when the embedder gave no `onHostError`:
 * the guest still gets `errno.io`, and the error is reported once per function,
 * with its stack, so a program that loses its output does not do so silently.
 */
import type { HostErrorHook } from "../runtime/index.js";

export function reportHostErrorsOnce(moduleName: string, warn: (text: string) => void): HostErrorHook {
  const reported = new Set<string>();
  return (functionName, error) => {
    if (reported.has(functionName)) return;
    reported.add(functionName);
    const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `thrown value: ${String(error)}`;
    warn(
      `witx-wasi: host code threw in ${moduleName}.${functionName}; the guest got errno io. ` +
        `Later errors in ${functionName} are not reported; the onHostError option handles them instead.\n${detail}`,
    );
  };
}
