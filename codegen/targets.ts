/**
 * The witx modules this project generates bindings for, and the names they get.
 * A new witx module is one entry here.
 */
export interface Target {
  /** Entry witx file, relative to the project root. */
  readonly witx: string;
  /** Output folder, relative to the project root. */
  readonly outDir: string;
  readonly hostInterface: string;
  readonly importsType: string;
  readonly factory: string;
  /**
   * Enum and flags types also emitted as modules of constants a bundler inlines
   * (`errno.ts`, ...; see constants-emitter.ts). For the target the host code
   * (src/impl) is written against: preview1 (preview0 is adapted onto it). With
   * `errno` among them, the glue takes the policy's errnos from errno.ts.
   */
  readonly constantModules?: readonly string[];
  /**
   * Another target to take types from: this target's types.ts re-exports that one's
   * every type the two models define alike (codegen/abi/shared-types.ts) instead of
   * defining it again, so a build carries one copy and both hand out one object
   * (`errno`, `fdCodec`).
   */
  readonly typesFrom?: Target;
}

const preview1: Target = {
  witx: "witx/preview1/wasi_snapshot_preview1.witx",
  outDir: "src/generated/preview1",
  hostInterface: "Preview1Host",
  importsType: "Preview1Imports",
  factory: "createPreview1Imports",
  constantModules: [
    "errno",
    "rights",
    "signal",
    "clockid",
    "whence",
    "filetype",
    "fdflags",
    "fstflags",
    "eventtype",
    "eventrwflags",
    "subclockflags",
    "preopentype",
  ],
};

export const targets: readonly Target[] = [
  preview1,
  {
    witx: "witx/preview0/wasi_unstable.witx",
    outDir: "src/generated/preview0",
    hostInterface: "Preview0Host",
    importsType: "Preview0Imports",
    factory: "createPreview0Imports",
    typesFrom: preview1,
  },
];
