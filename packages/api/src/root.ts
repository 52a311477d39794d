// The kit's routers, for an app to compose with its own; and the kit's router alone, which the
// adapters serve when the app passes none.
import { accountRouter } from "./router/account";
import { adminRouter } from "./router/admin";
import { authRouter } from "./router/auth";
import { router } from "./trpc";

/**
 * The kit's feature routers by their place on the wire (`auth.*`, `account.*`, `admin.*`). An app spreads
 * them into its own router and hands that to both adapters.
 *
 * @example
 * export const appRouter = router({ ...kitRouters, notes: notesRouter });
 * export type AppRouter = typeof appRouter;
 */
export const kitRouters = {
  auth: authRouter,
  account: accountRouter,
  admin: adminRouter,
};

/** The kit's routers and nothing else: the adapters' default, and what `@kit/client` is typed on. */
export const kitRouter = router(kitRouters);

export type KitRouter = typeof kitRouter;
