// `pnpm serve`: the app's router (the kit's and the app's own, src/api/root.ts) on tRPC's
// standalone Node server, without Next.js: the same procedures `pnpm start` answers.
import { startStandalone } from "@kit/api";
import { appRouter } from "./src/api/root";

await startStandalone({ router: appRouter });
