import { defineConfig } from "vitest/config";

/**
 * The tests that hold a time bound (the API's p99 under load, the page's
 * longest main-thread task on a 1,000,000-row file): run alone and one
 * after the other, after the main suite (`npm test`), so no other test file
 * competes for the cores they measure.
 */
export default defineConfig({
  test: {
    include: ["test/api/latency.test.ts", "test/browser/large-file.test.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
