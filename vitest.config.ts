import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Timed: they run alone, after this suite (vitest.latency.config.ts, `npm test`).
    exclude: ["test/api/latency.test.ts", "test/browser/large-file.test.ts", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
