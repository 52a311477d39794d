// Budgets an app puts on its own procedures (`rateLimit`, ../rate-limited.ts): the kit's store,
// outage stand-in and client buckets, under names of the app's own.
import { parseDuration } from "@kit/auth";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { Budgets } from "./budget";
import { type ClientCounters, clientCharges, perClient } from "./client-budgets";
import { userKey } from "./keys";
import type { OpenStore } from "./store";

/** One app budget, checked: `points` calls per `windowSeconds`, counted under `name`. */
export interface AppBudget {
  readonly name: string;
  readonly points: number;
  readonly windowSeconds: number;
}

/** Who a call is charged to: a signed-in user, or a client by address (null: address unknown). */
export type Payer = { userId: string } | { clientIp: string | null };

/** Spends one point of the budget for the payer; throws RateLimitedError when it is spent. */
export type SpendAppBudget = (budget: AppBudget, payer: Payer) => Promise<void>;

// Kept apart from the store's other keys by the `app:` prefix; no `:` or `/` inside, so a name
// cannot reach into another budget's rows.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_POINTS = 1_000_000_000;
// The limiter's default wording is for sign-in attempts; an app's call is a request.
const APP_LIMIT_MESSAGE = "Too many requests. Try again later.";

/**
 * Checks an app's budget as written in its code, so a mistake fails when the router is loaded
 * rather than at some later call.
 *
 * @example
 * appBudget({ name: "export", points: 5, window: "1h" }); // { name: "export", points: 5, windowSeconds: 3600 }
 */
export function appBudget(options: {
  name: string;
  points: number;
  window: string | number;
}): AppBudget {
  const { name, points, window } = options;
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new TypeError(
      `rateLimit: name ${JSON.stringify(name)} must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  if (!Number.isSafeInteger(points) || points < 1 || points > MAX_POINTS) {
    throw new TypeError(`rateLimit "${name}": points must be a whole number from 1 to 1e9`);
  }
  let windowSeconds: number;
  try {
    windowSeconds = parseDuration(typeof window === "number" ? String(window) : window);
  } catch (error) {
    throw new TypeError(`rateLimit "${name}" window: ${(error as Error).message}`);
  }
  return Object.freeze({ name, points, windowSeconds });
}

export function createAppBudgets(store: OpenStore, budgets: Budgets): SpendAppBudget {
  // A budget is its name, size and window together: its counters are made at its first call and
  // reused, and its rows in the store are its own. So budgets written alike share one count, and a
  // deploy that changes a budget's size or window starts its counts afresh rather than judging
  // the old counts by the new size.
  const made = new Map<string, ClientCounters<RateLimiterAbstract>>();
  const countersOf = (budget: AppBudget) => {
    const id = `app:${budget.name}/${budget.points}/${budget.windowSeconds}`;
    let counters = made.get(id);
    if (!counters) {
      counters = perClient(
        (name, points, duration) => store.counter({ name, points, duration }),
        id,
        budget.points,
        budget.windowSeconds,
      );
      made.set(id, counters);
    }
    return counters;
  };
  return async (budget, payer) => {
    const counters = countersOf(budget);
    await budgets.spendAll(
      "userId" in payer
        ? [{ counter: counters.client, key: userKey(payer.userId) }]
        : clientCharges(counters, payer.clientIp),
      APP_LIMIT_MESSAGE,
    );
  };
}
