// `pnpm serve`: the app's router (the kit's and the app's own, src/api/root.ts) on tRPC's
// standalone Node server, without Next.js: the same procedures `pnpm start` answers.
// `pnpm build` compiles this file to dist/serve.mjs (compile-server.ts), which serve.mjs runs.
import { startStandalone } from "@kit/api";
import { appRouter } from "./src/api/root";
import { boundHeapGrowth } from "./src/server/heap-growth";

boundHeapGrowth();

await startStandalone({ router: appRouter });
