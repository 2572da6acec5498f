/**
 * The generated channel ends agree: for every function of both witx modules,
 * what a forwarder stores in the slots is what the dispatcher reads back and
 * passes to the import of the same name, argument for argument (negative
 * values and i64s included, as wasm passes them).
 */
import { describe, expect, it } from "vitest";
import * as preview0 from "../src/generated/preview0/forward.js";
import * as preview1 from "../src/generated/preview1/forward.js";
import { CHANNEL_BYTES, type ForwardChannel } from "../src/runtime/channel-layout.js";

type CoreFunction = (...args: (number | bigint)[]) => unknown;

interface ChannelEnds {
  forwardedFunctions: readonly string[];
  forward(channel: ForwardChannel): Record<string, CoreFunction>;
  dispatch(imports: object, index: number, i32: Int32Array, i64: BigInt64Array): unknown;
}

const modules: [string, ChannelEnds][] = [
  [
    "wasi_snapshot_preview1",
    {
      forwardedFunctions: preview1.forwardedFunctions,
      forward: preview1.forwardPreview1Imports as never,
      dispatch: preview1.dispatchPreview1Imports as never,
    },
  ],
  [
    "wasi_unstable",
    {
      forwardedFunctions: preview0.forwardedFunctions,
      forward: preview0.forwardPreview0Imports as never,
      dispatch: preview0.dispatchPreview0Imports as never,
    },
  ],
];

describe.each(modules)("the %s channel", (_module, ends) => {
  it("carries every function's arguments from the forwarder to the import of the same name", () => {
    const buffer = new SharedArrayBuffer(CHANNEL_BYTES);
    const i32 = new Int32Array(buffer);
    const i64 = new BigInt64Array(buffer);
    const sent: number[] = [];
    const forwarders = ends.forward({ i32, i64, call: (index) => (sent.push(index), 0) });
    expect(Object.keys(forwarders)).toEqual(ends.forwardedFunctions);

    const dispatched = (index: number): unknown[] => {
      let seen: unknown[] = [];
      const imports = new Proxy(
        {},
        {
          get:
            (_target, name) =>
            (...args: unknown[]) =>
              void (seen = [name, ...args]),
        },
      );
      ends.dispatch(imports, index, i32, i64);
      return seen;
    };

    ends.forwardedFunctions.forEach((name, index) => {
      // Which slots are i64s: the dispatcher reads those as bigints.
      const shape = dispatched(index).slice(1);
      expect(shape).toHaveLength(forwarders[name].length);
      const values = shape.map((slot, position) => {
        const value = -(index * 100 + position + 1);
        return typeof slot === "bigint" ? BigInt(value) * 3_000_000_000n : value;
      });
      try {
        forwarders[name](...values);
      } catch (error) {
        // proc_exit must not return; the forwarder says so after the call.
        expect(error).toBeInstanceOf(WebAssembly.RuntimeError);
      }
      expect(sent.at(-1)).toBe(index);
      expect(dispatched(index)).toEqual([name, ...values]);
    });
  });
});
