// The app's router: every feature router merged here; its type is what clients import.
import { authRouter } from "./router/auth";
import { router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
});

export type AppRouter = typeof appRouter;
