import { defineConfig } from "vitest/config";

// KIT_TEST_SERVER names a command that starts the production build (apps/web's `test:api` sets
// it): then only the HTTP suite (`*.http.test.ts`) runs, against that build.
const againstBuild = Boolean(process.env.KIT_TEST_SERVER);

export default defineConfig({
  test: {
    include: againstBuild ? ["src/**/*.http.test.ts"] : ["src/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/e2e/**"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: againstBuild ? 60_000 : 30_000,
    hookTimeout: againstBuild ? 180_000 : 60_000,
  },
});
