/**
 * Integer literals as the wat text format writes them: an optional sign, then
 * decimal digits or `0x` and hex digits, with single `_` allowed between
 * digits (`1_000`, `0xffff_ffff`). witx has no floating-point literals.
 */
const INTEGER = /^[+-]?(?:0x[0-9a-fA-F](?:_?[0-9a-fA-F])*|[0-9](?:_?[0-9])*)$/;

/** Whether an idchar run is meant as a number: it starts with a digit, after an optional sign. */
export function looksNumeric(run: string): boolean {
  return /^[+-]?[0-9]/.test(run);
}

/**
 * The canonical decimal text of an integer literal (`0x1f` gives "31",
 * `+1_000` gives "1000", `-0x10` gives "-16"), or undefined when the run is
 * not a well-formed integer. Canonical text lets later stages compare values
 * and call `BigInt(value)` without knowing the literal syntax; BigInt keeps
 * 64-bit values exact.
 */
export function integerValue(run: string): string | undefined {
  if (!INTEGER.test(run)) return undefined;
  const negative = run.startsWith("-");
  const magnitude = BigInt(run.replace(/^[+-]/, "").replaceAll("_", ""));
  return (negative ? -magnitude : magnitude).toString();
}
