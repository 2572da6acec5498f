import type { SourceLocation } from "./ast.js";
import { describeChar, type Scanner } from "./scanner.js";

/**
 * Reads a wat string literal starting at the opening `"` and returns its
 * decoded text.
 *
 * A wat string denotes bytes, not characters: `\hh` writes one raw byte, so
 * escapes can spell a sequence that is not UTF-8. witx strings are names and
 * paths meant as text, so such a string is an error here, reported at the
 * escape that starts the bad sequence.
 */
export function readStringLiteral(scanner: Scanner): string {
  const open = scanner.here();
  scanner.advance(); // the opening quote
  const bytes: number[] = [];
  // Where each byte came from, so a UTF-8 error can name its escape.
  const origins: SourceLocation[] = [];

  for (;;) {
    const at = scanner.here();
    const ch = scanner.peekCodePoint();
    if (ch === "") throw scanner.error('unterminated string: expected a closing `"` before the end of file', open);
    if (ch === "\n" || ch === "\r") {
      throw scanner.error('unterminated string: expected a closing `"` before the end of the line', open);
    }
    if (ch === '"') {
      scanner.advance();
      break;
    }
    if (ch === "\\") {
      if (scanner.peek(1) === "") throw scanner.error('unterminated string: expected a closing `"` before the end of file', open);
      for (const byte of readEscape(scanner)) {
        bytes.push(byte);
        origins.push(at);
      }
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f) {
      throw scanner.error(`control character ${describeChar(ch)} is not allowed in a string; write it as an escape such as \\t or \\09`);
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      throw scanner.error(`unpaired surrogate ${describeChar(ch)} in a string is not Unicode text`);
    }
    scanner.advance();
    for (const byte of utf8Encode(cp)) {
      bytes.push(byte);
      origins.push(at);
    }
  }

  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const byte = bytes[bad].toString(16).padStart(2, "0");
    throw scanner.error(`invalid UTF-8 in string: the bytes starting with \\${byte} are not a valid UTF-8 sequence`, origins[bad]);
  }
  return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 0x0a, t: 0x09, r: 0x0d, "\\": 0x5c, '"': 0x22, "'": 0x27 };

/** Reads one escape starting at the backslash and returns the bytes it stands for. */
function readEscape(scanner: Scanner): number[] {
  const at = scanner.here();
  scanner.advance(); // the backslash
  const ch = scanner.peek();
  if (ch in SIMPLE_ESCAPES) {
    scanner.advance();
    return [SIMPLE_ESCAPES[ch]];
  }
  if (isHexDigit(ch) && isHexDigit(scanner.peek(1))) {
    const byte = parseInt(scanner.advance() + scanner.advance(), 16);
    return [byte];
  }
  if (ch === "u") {
    scanner.advance();
    return utf8Encode(readUnicodeEscapeBody(scanner, at));
  }
  const shown = ch === "" || ch === "\n" || ch === "\r" ? describeChar(ch) : `\`\\${scanner.peekCodePoint()}\``;
  throw scanner.error(`unknown escape ${shown} in string: expected \\n, \\t, \\r, \\\\, \\", \\', \\u{hex} or two hex digits`, at);
}

/** Reads `{hex}` after `\u` (hex digits may be separated by single `_`, as in wat). */
function readUnicodeEscapeBody(scanner: Scanner, at: SourceLocation): number {
  if (scanner.peek() !== "{") throw scanner.error("malformed \\u escape in string: expected `{` after \\u", at);
  scanner.advance();
  const digits = scanner.takeWhile((c) => isHexDigit(c) || c === "_");
  if (scanner.peek() !== "}") throw scanner.error("malformed \\u escape in string: expected hex digits and a closing `}`", at);
  scanner.advance();
  if (!/^[0-9a-fA-F](?:_?[0-9a-fA-F])*$/.test(digits)) {
    throw scanner.error("malformed \\u escape in string: expected hex digits between the braces", at);
  }
  const cp = parseInt(digits.replaceAll("_", ""), 16);
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    throw scanner.error(`\\u{${digits}} in string is not a Unicode scalar value`, at);
  }
  return cp;
}

function isHexDigit(ch: string): boolean {
  return ch.length === 1 && /[0-9a-fA-F]/.test(ch);
}

function utf8Encode(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

/**
 * Index of the first byte that starts an invalid UTF-8 sequence, or -1.
 * Follows the well-formed byte sequences table of the Unicode standard
 * (no overlong forms, no surrogates, nothing above U+10FFFF).
 */
function firstInvalidUtf8(bytes: readonly number[]): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    let continuation: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) continuation = 1;
    else if (lead >= 0xe0 && lead <= 0xef) continuation = 2;
    else if (lead >= 0xf0 && lead <= 0xf4) continuation = 3;
    else return i;
    // The second byte's range is narrower for a few leads; this is what
    // rules out overlong encodings, surrogates and code points past U+10FFFF.
    if (lead === 0xe0) low = 0xa0;
    else if (lead === 0xed) high = 0x9f;
    else if (lead === 0xf0) low = 0x90;
    else if (lead === 0xf4) high = 0x8f;
    for (let k = 1; k <= continuation; k++) {
      const byte = bytes[i + k];
      const [min, max] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return i;
    }
    i += continuation + 1;
  }
  return -1;
}
