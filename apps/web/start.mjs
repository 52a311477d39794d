// `pnpm start`: the server `pnpm build` compiled (dist/server.mjs), run by plain node.
import { existsSync } from "node:fs";

if (!existsSync(new URL("./dist/server.mjs", import.meta.url))) {
  console.error("[web] no production build: run `pnpm build` first");
  process.exit(1);
}
await import("./dist/server.mjs");
