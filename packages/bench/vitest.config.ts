// Vitest settings for @kit/bench: only the pure parts' unit tests; the bench itself never runs here.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
  },
});
