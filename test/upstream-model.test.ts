/**
 * The project's own witx files must define exactly the interface of the
 * upstream WASI witx files: every type, value, bit, layout, function and
 * lowered signature (doc text and locations aside).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { describeDocument } from "../codegen/abi/describe.js";
import { loadWitx } from "../codegen/model/load.js";

const fromRoot = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const upstreamDir = fromRoot("../shared/witx-upstream");

// The upstream files are test data in the team's shared folder beside the repository;
// on a user's machine that folder is absent and there is nothing to compare against.
describe.skipIf(!existsSync(upstreamDir))(
  "the project's witx describes the upstream model (skipped when ../shared/witx-upstream, the team's shared folder, is absent)",
  () => {
    it.each([
      ["preview1", "preview1/wasi_snapshot_preview1.witx"],
      ["preview0", "preview0/wasi_unstable.witx"],
    ])("%s", (_, entry) => {
      const ours = describeDocument(loadWitx(fromRoot(`witx/${entry}`)));
      const upstream = describeDocument(loadWitx(`${upstreamDir}/${entry}`));
      expect(ours).toEqual(upstream);
    });

    it("tells the two previews apart, so equality above is not vacuous", () => {
      const preview1 = describeDocument(loadWitx(`${upstreamDir}/preview1/wasi_snapshot_preview1.witx`));
      const preview0 = describeDocument(loadWitx(`${upstreamDir}/preview0/wasi_unstable.witx`));
      expect(preview0).not.toEqual(preview1);
    });
  },
);
