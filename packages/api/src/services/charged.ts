// What every kit procedure with a rate limit does first: spend from the limits, and leave a
// `rate_limited` row in the audit trail when they refuse.
import { recordEvent } from "../audit";
import type { ClientInfo } from "../client-info";
import type { AppDeps } from "../deps";
import { RateLimitedError } from "../errors";

/**
 * Runs `spend` (a limiter call); a refusal is recorded as `rate_limited`, under the account it was
 * aimed at when the caller knows one, then thrown on (429 with Retry-After). A repeated refusal
 * (the same budgets, refused here before and still over) was recorded the first time: a client
 * hammering a lock must not fill the audit trail, nor wait for a commit per attempt.
 */
export async function charged<T>(
  deps: AppDeps,
  client: ClientInfo,
  userId: string | null,
  spend: () => Promise<T>,
): Promise<T> {
  try {
    return await spend();
  } catch (error) {
    if (error instanceof RateLimitedError && !error.repeated) {
      await recordEvent(deps, { type: "rate_limited", userId, client });
    }
    throw error;
  }
}
