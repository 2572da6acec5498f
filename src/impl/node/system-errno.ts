/**
 * The host's errno numbers by name (os.constants.errno), read at first use.
 * Only error paths need them, and loading node:os when the package is imported
 * cost about 0.1 MiB of resident memory (its binding and its source) in every
 * process, bench/RESULTS.md "Peak RSS".
 */
let numbers: Readonly<Record<string, number>> | undefined;

export function systemErrno(): Readonly<Record<string, number>> {
  numbers ??= process.getBuiltinModule("node:os").constants.errno as Readonly<Record<string, number>>;
  return numbers;
}
