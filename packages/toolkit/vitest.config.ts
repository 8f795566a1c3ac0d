import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // These tests run real compilers (tsc, mypy, python): seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
