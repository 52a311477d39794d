// The app's router: the kit's routers (auth.*, account.*, admin.*) and the app's own. Both servers serve
// it (the /api/trpc route and `pnpm serve`), and its type is what the app's clients import.
import { kitRouters, router } from "@kit/api";
import { overviewRouter } from "./overview";

export const appRouter = router({
  ...kitRouters,
  overview: overviewRouter,
});

export type AppRouter = typeof appRouter;
