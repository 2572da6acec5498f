/**
 * Runs an action and describes how it ended, in a form two implementations can
 * be compared with toEqual: for a throw, the error's class, constructor, code,
 * message, toString() text, first stack line and enumerable own keys.
 */
export interface ErrorShape {
  base: "TypeError" | "RangeError" | "Error" | "not an Error";
  constructorName: string | undefined;
  name: unknown;
  code: unknown;
  message: unknown;
  text: string;
  stackHead: string | undefined;
  enumerableKeys: string[];
}

export type Outcome = { threw: false } | { threw: true; error: ErrorShape };

function baseOf(error: unknown): ErrorShape["base"] {
  if (error instanceof TypeError) return "TypeError";
  if (error instanceof RangeError) return "RangeError";
  if (error instanceof Error) return "Error";
  return "not an Error";
}

export function describeError(error: unknown): ErrorShape {
  const record = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  return {
    base: baseOf(error),
    constructorName: (record.constructor as { name?: string } | undefined)?.name,
    name: record.name,
    code: record.code,
    message: record.message,
    text: String(error),
    stackHead: typeof record.stack === "string" ? record.stack.split("\n")[0] : undefined,
    enumerableKeys: Object.keys(record).sort(),
  };
}

export function outcomeOf(action: () => unknown): Outcome {
  try {
    action();
    return { threw: false };
  } catch (error) {
    return { threw: true, error: describeError(error) };
  }
}

/** The error `action` throws; fails the test if it does not throw. */
export function errorOf(action: () => unknown): ErrorShape {
  const outcome = outcomeOf(action);
  if (!outcome.threw) throw new Error("expected the action to throw");
  return outcome.error;
}
