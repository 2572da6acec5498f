/**
 * The portable entry point's default stdout/stderr, where there are no host fds:
 * the bytes are decoded as UTF-8 and handed to console.log/console.error one
 * line at a time (console calls always end a line, so a partial line waits
 * for its newline, or for the descriptor to close).
 */
import { OutputSinkDescription } from "./output-sink.js";
import type { Errno } from "../../generated/preview1/types.js";
import * as errno from "../../generated/preview1/errno.js";

export class ConsoleLineSink extends OutputSinkDescription {
  constructor(print: (line: string) => void) {
    const decoder = new TextDecoder();
    let partial = "";
    super((bytes) => {
      const lines = (partial + decoder.decode(bytes, { stream: true })).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) print(line);
    });
    this.flush = () => {
      const rest = partial + decoder.decode();
      partial = "";
      if (rest.length > 0) print(rest);
    };
  }

  private readonly flush: () => void;

  override close(): Errno {
    this.flush();
    return errno.success;
  }
}
