import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Some tests run real tools (npm pack, tsc over the installed package): seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
