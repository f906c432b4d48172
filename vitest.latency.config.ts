import { defineConfig } from "vitest/config";

/**
 * The one timed test (test/api/latency.test.ts): run alone, after the main
 * suite (`npm test`), so no other test file competes for the cores it measures.
 */
export default defineConfig({
  test: {
    include: ["test/api/latency.test.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
