/**
 * The trace wrapper of an import object, one for every WASI version: the generated
 * trace modules describe how to show each call's arguments and results in a short
 * notation, read here once per wrapper, instead of carrying a function per call
 * (those were most of 8 kB per version, twice in the package).
 *
 * A call's notation is space-separated items. `!` first marks a function that does
 * not return (proc_exit): it is logged before it runs. Then its arguments, each
 * `name=` and a kind letter followed by the indexes of the core parameters it reads
 * (comma-separated, constants after them); after `->`, what a successful call gives
 * back, in the same form, shown in order inside "success (...)":
 *
 * | kind | shows | reads |
 * |---|---|---|
 * | `u` `U` `d` | an unsigned 32-bit, unsigned 64-bit or other number | the value |
 * | `m` | an unsigned number narrower than 32 bits | the value, its mask |
 * | `e` `f` `r` | an enum, flags, rights by name (`names` table) | the value |
 * | `a` | an address | the pointer |
 * | `s` | a string, quoted | pointer, length |
 * | `y` | an output buffer: where and how big | pointer, length |
 * | `b` | a list of buffers (formatBufferList) | pointer, count, element size, pointer and length offsets, 1 to show their contents |
 * | `l` | a list of records: where and how many | pointer, count |
 * | `S` | a result stored through a `codec` (results only) | its pointer |
 * | `F` | the same, fields decoded by a `fields` table | its pointer |
 * | `D` | the data a read received (results only) | as `b`, then the byte count's pointer |
 * | `W` | the bytes a call wrote into a buffer (results only) | pointer, length, the byte count's pointer if any |
 * | `T` | the strings of args_get/environ_get (results only) | table pointer, buffer pointer |
 *
 * The names tables, codecs and field tables follow the notation in the order its items take them.
 */
import type { Codec } from "./codec.js";
import type { GuestMemory } from "./memory.js";
import {
  type FieldFormatters,
  formatAddress,
  formatBufferList,
  formatByteRange,
  formatEnum,
  formatFlags,
  formatReceived,
  formatRights,
  formatStored,
  formatString,
  formatStringTable,
  formatWritten,
  type TraceEvent,
} from "./trace-format.js";

/** One call's trace: its notation, then the tables its items take, in order. */
export type TracedCall = readonly [notation: string, ...tables: readonly unknown[]];

type CoreParams = readonly (number | bigint)[];
type Shown = (params: CoreParams) => string;

/** Wraps each function of `imports` that `calls` describes, so that every call and its outcome is passed to `log` as one event. */
export function traceImports<I extends object>(
  imports: I,
  memory: GuestMemory,
  log: (event: TraceEvent) => void,
  calls: Readonly<Record<keyof I & string, TracedCall>>,
  errnoNames: readonly string[],
): I {
  const glue = imports as Record<string, (...params: CoreParams) => number>;
  const traced: Record<string, (...params: CoreParams) => number> = {};
  for (const [name, [notation, ...tables]] of Object.entries(calls as Record<string, TracedCall>)) {
    const call = glue[name];
    const shown = readNotation(notation, tables, memory);
    const describe = (params: CoreParams) => Object.fromEntries(shown.arguments.map(([argument, show]) => [argument, show(params)]));
    const results = shown.results;
    // A computed key in a literal keeps the function's name what the glue's is.
    traced[name] = shown.noReturn
      ? {
          [name]: (...params: CoreParams) => {
            log({ function: name, arguments: describe(params), result: null, threw: false, duration: 0 });
            return call(...params);
          },
        }[name]
      : {
          [name]: (...params: CoreParams) =>
            traceCall(
              log,
              name,
              describe(params),
              () => call(...params),
              errnoNames,
              results.length === 0 ? undefined : () => results.map((show) => show(params)),
            ),
        }[name];
  }
  return traced as I;
}

function readNotation(
  notation: string,
  tables: readonly unknown[],
  memory: GuestMemory,
): { noReturn: boolean; arguments: [string, Shown][]; results: Shown[] } {
  const read = { noReturn: false, arguments: [] as [string, Shown][], results: [] as Shown[] };
  let inResults = false;
  let nextTable = 0;
  const table = <T>() => tables[nextTable++] as T;
  for (const item of notation.split(" ")) {
    if (item === "") continue;
    if (item === "!") read.noReturn = true;
    else if (item === "->") inResults = true;
    else {
      const equals = item.indexOf("=");
      const name = item.slice(0, Math.max(equals, 0));
      const kind = item[equals + 1];
      const [i, j, k, l, m, n] = item
        .slice(equals + 2)
        .split(",")
        .map(Number);
      const u32 = (params: CoreParams, index: number) => params[index] as number;
      let show: Shown;
      switch (kind) {
        case "u":
          show = (p) => String(u32(p, i) >>> 0);
          break;
        case "U":
          show = (p) => String(BigInt.asUintN(64, p[i] as bigint));
          break;
        case "d":
          show = (p) => String(p[i]);
          break;
        case "m":
          show = (p) => String(u32(p, i) & j);
          break;
        case "e": {
          const names = table<readonly string[]>();
          show = (p) => formatEnum(names, p[i]);
          break;
        }
        case "f": {
          const names = table<readonly string[]>();
          show = (p) => formatFlags(names, p[i]);
          break;
        }
        case "r": {
          const names = table<readonly string[]>();
          show = (p) => formatRights(names, p[i]);
          break;
        }
        case "a":
          show = (p) => formatAddress(u32(p, i));
          break;
        case "s":
          show = (p) => formatString(memory, u32(p, i), u32(p, j));
          break;
        case "y":
          show = (p) => formatByteRange(u32(p, i), u32(p, j));
          break;
        case "b":
          show = (p) => formatBufferList(memory, u32(p, i), u32(p, j), k, l, m, n === 1);
          break;
        case "l":
          show = (p) => `${formatAddress(u32(p, i))}[${u32(p, j) >>> 0}]`;
          break;
        case "S": {
          const codec = table<Codec<unknown>>();
          show = (p) => formatStored(memory, codec, u32(p, i));
          break;
        }
        case "F": {
          const codec = table<Codec<unknown>>();
          const fields = table<FieldFormatters>();
          show = (p) => formatStored(memory, codec, u32(p, i), fields);
          break;
        }
        case "D":
          show = (p) => `data ${formatReceived(memory, u32(p, i), u32(p, j), k, l, m, u32(p, n))}`;
          break;
        case "W":
          show = (p) => `${name} ${formatWritten(memory, u32(p, i), u32(p, j), k === undefined ? undefined : u32(p, k))}`;
          break;
        case "T":
          show = (p) => formatStringTable(memory, u32(p, i), u32(p, j));
          break;
        default:
          throw new Error(`trace notation: unknown kind in "${item}" of "${notation}"`);
      }
      if (inResults) read.results.push(show);
      else read.arguments.push([name, show]);
    }
  }
  return read;
}

/**
 * Runs one traced call and logs it as one event: the decoded arguments, then the
 * errno by name (or "success (...)" with what `success` decodes), or how it threw.
 */
function traceCall(
  log: (event: TraceEvent) => void,
  name: string,
  args: Record<string, string>,
  call: () => number,
  errnoNames: readonly string[],
  success: (() => string[]) | undefined,
): number {
  const started = performance.now();
  let error: number;
  try {
    error = call();
  } catch (thrown) {
    log({ function: name, arguments: args, result: describeThrow(thrown), threw: true, duration: performance.now() - started });
    throw thrown;
  }
  const duration = performance.now() - started;
  const result = error === 0 && success !== undefined ? `success (${success().join(", ")})` : formatEnum(errnoNames, error);
  log({ function: name, arguments: args, result, threw: false, duration });
  return error;
}

function describeThrow(thrown: unknown): string {
  if (thrown instanceof WebAssembly.RuntimeError) return `trap (${thrown.message})`;
  if (thrown instanceof Error) return `unwinds (${thrown.name}: ${thrown.message})`;
  return `unwinds (${String(thrown)})`;
}
