// `pnpm serve`: the standalone server `pnpm build` compiled (dist/serve.mjs), run by plain node.
// NODE_ENV is left as given: startStandalone makes it production unless it is `development`.
import { existsSync } from "node:fs";

if (!existsSync(new URL("./dist/serve.mjs", import.meta.url))) {
  console.error("[web] no production build: run `pnpm build` first (`pnpm serve` runs its output)");
  process.exit(1);
}
await import("./dist/serve.mjs");
