/**
 * The generated modules of constants (src/generated/preview1/errno.ts, rights.ts,
 * ...; codegen/emit/constants-emitter.ts) hold the values of the objects in
 * types.ts, case for case: the portable host imports them so a bundler inlines
 * each value, and the two must never disagree.
 */
import { describe, expect, it } from "vitest";
import * as types from "../src/generated/preview1/types.js";
import { targets } from "../codegen/targets.js";

const preview1 = targets.find((target) => target.outDir === "src/generated/preview1");

describe("modules of constants", () => {
  const names = preview1?.constantModules ?? [];

  it("cover errno, rights and signal at least", () => {
    expect(names).toEqual(expect.arrayContaining(["errno", "rights", "signal"]));
  });

  it.each(names)("%s.ts has the values of the object in types.ts (64-bit flags as numbers)", async (name) => {
    const url = new URL(`../src/generated/preview1/${name}.ts`, import.meta.url).href;
    const constants = { ...(await import(/* @vite-ignore */ url)) } as Record<string, number>;
    const object = (types as unknown as Record<string, Record<string, number | bigint>>)[name];
    expect(Object.keys(constants).sort()).toEqual(Object.keys(object).sort());
    for (const [key, value] of Object.entries(object)) expect(constants[key], `${name}.${key}`).toBe(Number(value));
  });
});
