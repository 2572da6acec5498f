/**
 * stdout/stderr shown in a page: each write's bytes are decoded as UTF-8 (a
 * character split across two writes is kept until its end arrives) and
 * appended to an element as text, never as markup, so a guest cannot inject
 * HTML. Works with the WASI class and with runInWebWorker.
 */
import type { OutputCallback } from "../impl/stdio/output-sink.js";

export interface DomOutputOptions {
  /** Keep the element scrolled to its end as text arrives (a terminal's behaviour). Default true. */
  follow?: boolean;
}

/** What domOutput writes into: any element (or node) that takes text. */
export interface TextTarget {
  append(text: string): void;
  scrollTop?: number;
  readonly scrollHeight?: number;
}

/** An output callback appending the guest's text to `element`; pass it as `stdio.stdout` or `stdio.stderr`. */
export function domOutput(element: TextTarget, options: DomOutputOptions = {}): OutputCallback {
  if (element === null || typeof element !== "object" || typeof element.append !== "function") {
    throw new TypeError(`domOutput: the element must be a DOM element (something with an append method). Received ${String(element)}`);
  }
  const decoder = new TextDecoder();
  const follow = options.follow !== false;
  return (bytes) => {
    const text = decoder.decode(bytes, { stream: true });
    if (text === "") return;
    element.append(text);
    if (follow && element.scrollHeight !== undefined) element.scrollTop = element.scrollHeight;
  };
}
