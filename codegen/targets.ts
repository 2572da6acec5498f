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
   * Also emit errno.ts, the errno values as constants a bundler inlines. For
   * the target the host code (src/impl) is written against: preview1 (preview0
   * is adapted onto it); its glue then takes the policy's errnos from there.
   */
  readonly errnoConstants?: boolean;
}

export const targets: readonly Target[] = [
  {
    witx: "witx/preview1/wasi_snapshot_preview1.witx",
    outDir: "src/generated/preview1",
    hostInterface: "Preview1Host",
    importsType: "Preview1Imports",
    factory: "createPreview1Imports",
    errnoConstants: true,
  },
  {
    witx: "witx/preview0/wasi_unstable.witx",
    outDir: "src/generated/preview0",
    hostInterface: "Preview0Host",
    importsType: "Preview0Imports",
    factory: "createPreview0Imports",
  },
];
