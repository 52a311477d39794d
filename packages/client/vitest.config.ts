// Vitest settings for @kit/client: unit tests beside the code; e2e belongs to apps/web.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/e2e/**"],
  },
});
