import { defineConfig } from "vitest/config";
import { START_TIMEOUT_MS } from "./test/start-timeout";

// KIT_TEST_SERVER names a command that starts the production build (apps/web's `test:api` sets
// it): then only the HTTP suite (`*.http.test.ts`) runs, against that build.
const againstBuild = Boolean(process.env.KIT_TEST_SERVER);

// Against the build, every server a test or hook needs is started inside it (serversPerTest,
// beforeAll), and one start may take up to START_TIMEOUT_MS (test/start-timeout.ts) on a loaded
// CI machine: the timeouts cover the most starts any one test or hook makes (three: a key or
// secret rotation, restarting on the same database), and then a minute for what it does. A start
// that does not answer fails on its own deadline, with the build's output, long before this.
const MOST_STARTS = 3;
const BUILD_TIMEOUT_MS = MOST_STARTS * START_TIMEOUT_MS + 60_000;

export default defineConfig({
  test: {
    include: againstBuild ? ["src/**/*.http.test.ts"] : ["src/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/e2e/**"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: againstBuild ? BUILD_TIMEOUT_MS : 30_000,
    hookTimeout: againstBuild ? BUILD_TIMEOUT_MS : 60_000,
  },
});
