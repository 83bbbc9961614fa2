import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "test/**/*.test.ts",
      "envs/**/*.test.ts",
      "server/**/*.test.ts",
      "client/**/*.test.ts",
      "recorders/**/*.test.ts",
    ],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers; keep the 2-core machine from oversubscribing.
    maxWorkers: 2,
  },
});
