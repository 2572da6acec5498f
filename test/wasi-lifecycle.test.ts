import { describe, expect, it } from "vitest";
import * as vm from "node:vm";
import { WASI } from "node:wasi";
import { validateInstanceForInitialize, validateInstanceForStart, type WasiLifecycleState } from "../src/wasi/wasi-lifecycle.js";
import { outcomeOf, type Outcome } from "./support/error-outcome.js";
import { instantiateWat } from "./support/compile-wat.js";

const newNodeWasi = () => new WASI({ version: "preview1" });
const memoryExport = '(memory (export "memory") 1)';
const funcExport = (name: string) => `(func (export "${name}"))`;
const globalExport = (name: string) => `(global (export "${name}") i32 (i32.const 0))`;
const wasm =
  (...fields: string[]) =>
  () =>
    instantiateWat(`(module ${fields.join(" ")})`);
const realMemory = () => new WebAssembly.Memory({ initial: 1 });

// Each probe builds a fresh instance (or instance-like value) for both sides.
const probes: [label: string, build: () => unknown][] = [
  ["undefined", () => undefined],
  ["null", () => null],
  ["a number", () => 5],
  ["a string", () => "instance"],
  ["an array", () => []],
  ["a function", () => function instance() {}],
  ["an object without exports", () => ({})],
  ["exports null", () => ({ exports: null })],
  ["exports a number", () => ({ exports: 5 })],
  ["exports an array", () => ({ exports: [] })],
  ["a module with no exports at all", wasm()],
  ["a module without a memory export", wasm(funcExport("_start"), funcExport("_initialize"))],
  ["memory exported as a global", wasm(globalExport("memory"), funcExport("_start"))],
  ["memory exported as a function", wasm(funcExport("memory"), funcExport("_start"))],
  ["memory exported as a table", wasm('(table (export "memory") 1 funcref)', funcExport("_start"))],
  ["memory a plain object with an ArrayBuffer", () => ({ exports: { memory: { buffer: new ArrayBuffer(8) }, _start() {} } })],
  [
    "memory built on WebAssembly.Memory.prototype",
    () => ({ exports: { memory: Object.create(WebAssembly.Memory.prototype), _start() {} } }),
  ],
  ["memory a proxy of a real memory", () => ({ exports: { memory: new Proxy(realMemory(), {}), _start() {} } })],
  [
    "memory from another realm",
    () => ({ exports: { memory: vm.runInNewContext("new WebAssembly.Memory({ initial: 1 })"), _start() {}, _initialize: undefined } }),
  ],
  ["only a memory", wasm(memoryExport)],
  ["memory and _start", wasm(memoryExport, funcExport("_start"))],
  ["memory and _initialize", wasm(memoryExport, funcExport("_initialize"))],
  ["memory, _start and _initialize", wasm(memoryExport, funcExport("_start"), funcExport("_initialize"))],
  ["_start exported as a global", wasm(memoryExport, globalExport("_start"))],
  ["_initialize exported as a global", wasm(memoryExport, globalExport("_initialize"))],
  ["_start and _initialize as a global", wasm(memoryExport, funcExport("_start"), globalExport("_initialize"))],
  ["_start null in a plain object", () => ({ exports: { memory: realMemory(), _start: null } })],
  ["_initialize null in a plain object", () => ({ exports: { memory: realMemory(), _initialize: null } })],
  ["a plain object command", () => ({ exports: { memory: realMemory(), _start() {} } })],
  ["no memory and no _start", () => ({ exports: { _initialize() {} } })],
];

function nodeOutcome(method: "start" | "initialize", instance: unknown): Outcome {
  const wasi = newNodeWasi();
  return outcomeOf(() =>
    method === "start" ? wasi.start(instance as WebAssembly.Instance) : wasi.initialize(instance as WebAssembly.Instance),
  );
}

function ourOutcome(method: "start" | "initialize", instance: unknown, state: WasiLifecycleState = { started: false }): Outcome {
  return outcomeOf(() => (method === "start" ? validateInstanceForStart(instance, state) : validateInstanceForInitialize(instance, state)));
}

for (const method of ["start", "initialize"] as const) {
  describe(`${method}() checks the instance like node:wasi`, () => {
    for (const [label, build] of probes) {
      it(label, () => {
        expect(ourOutcome(method, build())).toEqual(nodeOutcome(method, build()));
      });
    }
  });
}

describe("what the checks hand back", () => {
  it("start gives the memory and the _start export, unbound", () => {
    const instance = instantiateWat(`(module ${memoryExport} ${funcExport("_start")})`);
    const entry = validateInstanceForStart(instance, { started: false });
    expect(entry.memory).toBe(instance.exports.memory);
    expect(entry.start).toBe(instance.exports._start);
    expect(entry.exports).toBe(instance.exports);
  });

  it("initialize gives _initialize when the reactor has one, undefined otherwise", () => {
    const reactor = instantiateWat(`(module ${memoryExport} ${funcExport("_initialize")})`);
    expect(validateInstanceForInitialize(reactor, { started: false }).initialize).toBe(reactor.exports._initialize);
    const bare = instantiateWat(`(module ${memoryExport})`);
    expect(validateInstanceForInitialize(bare, { started: false })).toMatchObject({ memory: bare.exports.memory, initialize: undefined });
  });

  it("both mark the state started", () => {
    const state = { started: false };
    validateInstanceForInitialize(instantiateWat(`(module ${memoryExport})`), state);
    expect(state.started).toBe(true);
  });
});

const command = wasm(memoryExport, funcExport("_start"));
const reactor = wasm(memoryExport, funcExport("_initialize"));

// Sequences of calls on one WASI object: each step's outcome must match.
const sequences: [label: string, steps: ["start" | "initialize", () => unknown][]][] = [
  [
    "start twice",
    [
      ["start", command],
      ["start", command],
    ],
  ],
  [
    "start twice with the same instance",
    (() => {
      const one = command();
      return [
        ["start", () => one],
        ["start", () => one],
      ] as ["start", () => unknown][];
    })(),
  ],
  [
    "initialize twice",
    [
      ["initialize", reactor],
      ["initialize", reactor],
    ],
  ],
  [
    "start after initialize",
    [
      ["initialize", reactor],
      ["start", command],
    ],
  ],
  [
    "initialize after start",
    [
      ["start", command],
      ["initialize", reactor],
    ],
  ],
  [
    "a bad instance after a successful start",
    [
      ["start", command],
      ["start", () => 5],
    ],
  ],
  [
    "start after a start that rejected the instance (the first call uses up the start)",
    [
      ["start", () => 5],
      ["start", command],
    ],
  ],
  [
    "initialize after an initialize that rejected the instance",
    [
      ["initialize", () => null],
      ["initialize", reactor],
    ],
  ],
  [
    "start after a start that found no _start",
    [
      ["start", reactor],
      ["start", command],
    ],
  ],
  [
    "three starts",
    [
      ["start", command],
      ["start", command],
      ["start", command],
    ],
  ],
];

describe("start()/initialize() run once per WASI object, like node:wasi", () => {
  for (const [label, steps] of sequences) {
    it(label, () => {
      const wasi = newNodeWasi();
      const state: WasiLifecycleState = { started: false };
      for (const [method, build] of steps) {
        const theirs = outcomeOf(() =>
          method === "start" ? wasi.start(build() as WebAssembly.Instance) : wasi.initialize(build() as WebAssembly.Instance),
        );
        expect(ourOutcome(method, build(), state)).toEqual(theirs);
      }
      expect(state.started).toBe(true);
    });
  }

  it("reports ERR_WASI_ALREADY_STARTED before looking at the instance", () => {
    const state = { started: true };
    expect(ourOutcome("start", 5, state)).toMatchObject({
      threw: true,
      error: { base: "Error", code: "ERR_WASI_ALREADY_STARTED", message: "WASI instance has already started" },
    });
  });
});
