// The addon's stat buffer (src/impl/node/stats.ts) reuses the BigInt it made
// for a field while the field's bits stay the same: every field must still
// read what was written last, whichever of its words changed.
import { describe, expect, it } from "vitest";
import { filetype } from "../src/generated/preview1/types.js";
import { blankFilestat } from "../src/impl/description.js";
import { NativeStatBuffer } from "../src/impl/node/stats.js";

describe("NativeStatBuffer", () => {
  it("reads every field as last written, across low-word, high-word and no changes", () => {
    const buffer = new NativeStatBuffer();
    const rounds: bigint[][] = [
      [0n, 0n, 0o100644n, 0n, 0n, 0n, 0n, 0n],
      [66n, 12345n, 0o100644n, 1n, 1234n, 1_700_000_000_123_456_789n, 1_700_000_000_123_456_789n, 1_700_000_000_999_999_999n],
      [66n, 12345n, 0o100644n, 1n, 1234n, 1_700_000_000_123_456_789n, 1_700_000_000_123_456_789n, 1_700_000_000_999_999_999n],
      [66n, 12345n + (1n << 32n), 0o040755n, 2n, 1234n, 1_700_000_000_123_456_789n + (1n << 40n), 5n, 1_700_000_000_999_999_999n],
      [66n, 12346n, 0o120777n, 1n, 0n, 0n, 0n, 0n],
    ];
    const types = [filetype.regular_file, filetype.regular_file, filetype.regular_file, filetype.directory, filetype.symbolic_link];
    rounds.forEach((values, round) => {
      buffer.values.set(values);
      const into = buffer.fill(blankFilestat());
      expect([into.dev, into.ino, into.nlink, into.size, into.atim, into.mtim, into.ctim]).toEqual([
        values[0],
        values[1],
        values[3],
        values[4],
        values[5],
        values[6],
        values[7],
      ]);
      expect(into.filetype).toBe(types[round]);
    });
  });
});
