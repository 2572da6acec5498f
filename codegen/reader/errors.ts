import type { SourceLocation } from "./ast.js";

/** Any error the witx toolchain reports about its input: it always carries where. */
export class WitxError extends Error {
  readonly loc: SourceLocation;
  constructor(loc: SourceLocation, message: string) {
    super(`${loc.file}:${loc.line}:${loc.column}: ${message}`);
    this.name = "WitxError";
    this.loc = loc;
  }
}
