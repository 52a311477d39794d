import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/e2e/**"],
    // A throwaway PostgreSQL for the run, for tests that serve the app's router over HTTP
    // (`@kit/api/testing`); started once, gone at the end.
    globalSetup: ["@kit/api/testing/global-setup"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
