import { defineConfig } from "vitest/config";

// CI runs the suite on two cores, where a test that compiles TypeScript or starts
// workers can take several times what it takes on an idle machine; a hang still fails.
export default defineConfig({
  test: { testTimeout: 30_000, hookTimeout: 30_000 },
});
