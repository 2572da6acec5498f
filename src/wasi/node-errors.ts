/**
 * Builders for the errors node:wasi throws, so that a caller swapping node:wasi
 * for this package sees the same class, `code` and message.
 *
 * Node's own builders live in its internal `internal/errors` module, which a
 * package cannot import; the formatting rules below were read off Node v20.20.2
 * and are checked against the real thing in test/wasi-options.test.ts and
 * test/wasi-lifecycle.test.ts.
 *
 * Two shapes exist in node:wasi:
 * - "Node errors" (built in JavaScript): the code is shown in `toString()` and
 *   in the first stack line, `TypeError [ERR_X]: message`, and
 *   `error.constructor` is the plain base class.
 * - "Coded errors" (built in C++): an ordinary TypeError/Error that merely
 *   carries an own `code` property, so `toString()` is `TypeError: message`.
 */
import { inspect } from "./inspect-value.js";

type ErrorBase = ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor;

/**
 * Whether stacks are formatted by Node's own formatter. Node 20 exposes it as
 * `Error.prepareStackTrace`, a function named ErrorPrepareStackTrace; other
 * versions leave the property unset.
 */
function usesNodeStackFormatter(): boolean {
  const formatter: unknown = Error.prepareStackTrace;
  return formatter === undefined || (typeof formatter === "function" && formatter.name === "ErrorPrepareStackTrace");
}

/** The error classes Node's JavaScript builders produce, one per base class. */
const nodeErrorClasses = new Map<ErrorBase, new (code: string, message: string) => Error>();

function nodeErrorClass(Base: ErrorBase): new (code: string, message: string) => Error {
  const existing = nodeErrorClasses.get(Base);
  if (existing) return existing;
  // TypeError and RangeError construct like Error, so one class body serves all three.
  const Parent = Base as ErrorConstructor;
  class NodeStyleError extends Parent {
    code: string;
    constructor(code: string, message: string) {
      super(message);
      this.code = code;
      // Node's default stack formatter heads the stack with "Name [code]: ...";
      // a user-installed Error.prepareStackTrace (vitest installs one) replaces
      // that formatter, and the decoration with it. The stack text is rendered
      // from `name` when first read, so render it once under the decorated
      // name, then drop the own name so `error.name` is the plain one again.
      if (usesNodeStackFormatter()) {
        Object.defineProperty(this, "name", { value: `${Base.name} [${code}]`, configurable: true });
        void this.stack;
        delete (this as { name?: string }).name;
      }
    }
    override toString(): string {
      return `${this.name} [${this.code}]: ${this.message}`;
    }
  }
  // Node reports the base class as the constructor (`err.constructor === TypeError`).
  Object.defineProperty(NodeStyleError.prototype, "constructor", {
    get: () => Base,
    configurable: true,
  });
  nodeErrorClasses.set(Base, NodeStyleError);
  return NodeStyleError;
}

/** A JavaScript-side Node error: `Base [code]: message`. */
function nodeError(Base: ErrorBase, code: string, message: string): Error & { code: string } {
  const ErrorClass = nodeErrorClass(Base);
  return new ErrorClass(code, message) as Error & { code: string };
}

/** A C++-side Node error: a plain instance of `Base` with an own `code`. */
export function codedError<B extends ErrorBase>(Base: B, code: string, message: string): InstanceType<B> & { code: string } {
  const error = new Base(message) as InstanceType<B> & { code: string };
  error.code = code;
  return error;
}

/**
 * The error uvwasi_init failures surface as in `new WASI()` (missing preopen
 * directory, a stdio fd that is not open, ...): `Error: UVWASI_ENOENT, uvwasi_init`
 * with the WASI errno number in `errno`.
 */
export function uvwasiInitError(
  errnoName: string,
  errno: number,
  detail?: string,
): Error & { code: string; errno: number; syscall: string } {
  const code = `UVWASI_${errnoName.toUpperCase()}`;
  // node:wasi's message stops after "uvwasi_init"; the detail says which option and path failed.
  const message = detail === undefined ? `${code}, uvwasi_init` : `${code}, uvwasi_init: ${detail}`;
  const error = new Error(message) as Error & { code: string; errno: number; syscall: string };
  error.errno = errno;
  error.code = code;
  error.syscall = "uvwasi_init";
  return error;
}

/** Shortens a string the way Node does inside "Received ..." (25 characters and an ellipsis). */
function clip(text: string, limit: number, keep: number): string {
  return text.length > limit ? `${text.slice(0, keep)}...` : text;
}

/** Node's description of a wrong value after "Received " in ERR_INVALID_ARG_TYPE. */
function describeReceived(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "bigint":
      return `type bigint (${value}n)`;
    case "number":
      // Template literals print -0 as "0"; Node spells it out.
      return Object.is(value, -0) ? "type number (-0)" : `type number (${value})`;
    case "boolean":
      return `type boolean (${value})`;
    case "symbol":
      return `type symbol (${String(value)})`;
    case "function":
      return `function ${value.name}`;
    case "object": {
      // Same test as Node, including its throw when `constructor` is a primitive.
      const ctor = (value as { constructor?: unknown }).constructor as object | undefined;
      if (ctor && "name" in ctor) return `an instance of ${(ctor as { name: unknown }).name}`;
      return inspect(value, { depth: -1 });
    }
    case "string": {
      const shown = clip(value, 28, 25);
      return shown.includes("'") ? `type string (${JSON.stringify(shown)})` : `type string ('${shown}')`;
    }
    default:
      return `type ${typeof value} (${clip(inspect(value, { colors: false }), 28, 25)})`;
  }
}

/** Node's list wording: "a", "a or b", "a, b, or c". */
function formatList(items: readonly string[], joiner: string): string {
  if (items.length <= 2) return items.join(` ${joiner} `);
  return `${items.slice(0, -1).join(", ")}, ${joiner} ${items[items.length - 1]}`;
}

/** typeof-style names Node prints as "of type x" (written in lower case). */
const primitiveTypeNames = new Set(["string", "function", "number", "object", "Function", "Object", "boolean", "bigint", "symbol"]);
const classNamePattern = /^[A-Z][a-zA-Z0-9]*$/;

/** The "must be ..." part of ERR_INVALID_ARG_TYPE for a list of expected types. */
function describeExpected(expected: readonly string[]): string {
  const types: string[] = [];
  const instances: string[] = [];
  const other: string[] = [];
  for (const entry of expected) {
    if (primitiveTypeNames.has(entry)) types.push(entry.toLowerCase());
    else if (classNamePattern.test(entry)) instances.push(entry);
    else other.push(entry);
  }
  // With classes allowed too, "object" reads better as "an instance of ... or Object".
  if (instances.length > 0 && types.includes("object")) {
    types.splice(types.indexOf("object"), 1);
    instances.push("Object");
  }
  const parts: string[] = [];
  if (types.length > 0) parts.push(`${types.length > 1 ? "one of type" : "of type"} ${formatList(types, "or")}`);
  if (instances.length > 0) parts.push(`an instance of ${formatList(instances, "or")}`);
  if (other.length > 1) parts.push(`one of ${formatList(other, "or")}`);
  else if (other.length === 1) parts.push(other[0].toLowerCase() === other[0] ? other[0] : `an ${other[0]}`);
  return parts.join(" or ");
}

/** `name` is an argument unless it is a dotted property path. */
function subjectKind(name: string): "property" | "argument" {
  return name.includes(".") ? "property" : "argument";
}

/** ERR_INVALID_ARG_TYPE: `The "options.args" property must be an instance of Array. Received ...`. */
export function invalidArgType(name: string, expected: string | readonly string[], actual: unknown): TypeError & { code: string } {
  const list = typeof expected === "string" ? [expected] : expected;
  const subject = name.endsWith(" argument") ? name : `"${name}" ${subjectKind(name)}`;
  const message = `The ${subject} must be ${describeExpected(list)}. Received ${describeReceived(actual)}`;
  return nodeError(TypeError, "ERR_INVALID_ARG_TYPE", message) as TypeError & { code: string };
}

/** node:wasi's validateObject: a non-null, non-array, non-function object, else ERR_INVALID_ARG_TYPE naming `name`. */
export function requireObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (value === null || Array.isArray(value) || typeof value !== "object") throw invalidArgType(name, "Object", value);
}

/** ERR_INVALID_ARG_VALUE: `The property 'options.version' unsupported WASI version. Received 'foo'`. */
export function invalidArgValue(name: string, value: unknown, reason = "is invalid"): TypeError & { code: string } {
  const shown = clip(inspect(value), 128, 128);
  const message = `The ${subjectKind(name)} '${name}' ${reason}. Received ${shown}`;
  return nodeError(TypeError, "ERR_INVALID_ARG_VALUE", message) as TypeError & { code: string };
}

/** Groups the digits of an integer's decimal text by threes: 8589934592 → 8_589_934_592. */
function groupDigits(text: string): string {
  const start = text.startsWith("-") ? 1 : 0;
  let grouped = "";
  let end = text.length;
  for (; end >= start + 4; end -= 3) grouped = `_${text.slice(end - 3, end)}${grouped}`;
  return `${text.slice(0, end)}${grouped}`;
}

/** ERR_OUT_OF_RANGE: `The value of "options.stdin" is out of range. It must be ... Received ...`. */
export function outOfRange(name: string, range: string, input: unknown): RangeError & { code: string } {
  let received: string;
  if (Number.isInteger(input) && Math.abs(input as number) > 2 ** 32) {
    received = groupDigits(String(input));
  } else if (typeof input === "bigint") {
    const large = input > 2n ** 32n || input < -(2n ** 32n);
    received = `${large ? groupDigits(String(input)) : String(input)}n`;
  } else {
    received = inspect(input);
  }
  const message = `The value of "${name}" is out of range. It must be ${range}. Received ${received}`;
  return nodeError(RangeError, "ERR_OUT_OF_RANGE", message) as RangeError & { code: string };
}

/**
 * ERR_WASI_NOT_STARTED, thrown by an import called before start()/initialize()
 * gave it the instance's memory. Node raises it from C++: a coded error.
 */
export function wasiNotStarted(): Error & { code: string } {
  return codedError(Error, "ERR_WASI_NOT_STARTED", "wasi.start() has not been called");
}

/** ERR_WASI_ALREADY_STARTED, thrown by a second start()/initialize() on one WASI object. */
export function wasiAlreadyStarted(): Error & { code: string } {
  return nodeError(Error, "ERR_WASI_ALREADY_STARTED", "WASI instance has already started");
}
