// rateLimit: a budget an app puts on a procedure of its own, counted where the kit's limits are.

import type { Context } from "./context";
import { appBudget } from "./rate-limit/app-budgets";

/** What the middleware reads of any procedure's context: the user where protectedProcedure set one. */
type RateLimitedContext = Pick<Context, "deps" | "clientIp"> & { user?: { id: string } };

export interface RateLimitOptions {
  /**
   * Names the count in the limiter's store (kept apart from the kit's). Procedures limited under
   * one name share one count. 1-64 letters, digits, `.`, `_` or `-`.
   */
  name: string;
  /** Calls allowed per window and payer: a whole number from 1. */
  points: number;
  /**
   * A duration (`"1h"`, `"15m"`, `"1d"`) or whole seconds. Fixed: it starts at the payer's first
   * counted call, and every count in it ends together.
   */
  window: string | number;
  /**
   * Who pays for a call. `"client"` (default): its address, as the kit's per-client limits count
   * it (an IPv4 address or an IPv6 /64, and the /56 and /48 around it at 4× and 16×). `"user"`:
   * the signed-in user, whatever the address; put it after `protectedProcedure`, since where no
   * user is set (a public procedure) the client pays instead.
   */
  per?: "client" | "user";
}

/**
 * A middleware that spends one point per call before the procedure runs; over the budget the call
 * is refused with 429 `RATE_LIMITED` and `Retry-After`, and the procedure does not run. Counts
 * live in the limiter's store (PostgreSQL, or Redis with `REDIS_URL`), so every instance and
 * worker shares them; while the store is down each instance counts in memory (README, "Abuse
 * limits"). The options are checked here: a mistake throws when the router is loaded.
 *
 * @example
 * export const reportsRouter = router({
 *   export: protectedProcedure
 *     .use(rateLimit({ name: "reports.export", points: 5, window: "1h", per: "user" }))
 *     .mutation(({ ctx }) => startExport(ctx.user.id)),
 * });
 */
export function rateLimit(options: RateLimitOptions) {
  const budget = appBudget(options);
  const per = options.per ?? "client";
  if (per !== "client" && per !== "user") {
    throw new TypeError(`rateLimit "${budget.name}": per must be "client" or "user"`);
  }
  // A plain function rather than tRPC's middleware builder: a builder is typed on one context, and
  // would not fit protectedProcedure's, whose user is set.
  return async <Result>(call: { ctx: RateLimitedContext; next: () => Promise<Result> }) => {
    const { ctx } = call;
    const user = per === "user" ? ctx.user : undefined;
    await ctx.deps.limiter.spendApp(
      budget,
      user ? { userId: user.id } : { clientIp: ctx.clientIp },
    );
    return call.next();
  };
}
