// Retry-After for rate-limited, busy and database-unavailable responses, shared by every adapter through `responseMeta`.
import { isAuthError } from "@kit/auth";
import type { TRPCError } from "@trpc/server";
import type { ResponseMeta } from "@trpc/server/http";
import { AppError, RateLimitedError } from "../errors";

/**
 * The wait a 503 SERVER_BUSY asks for. A full hashing queue holds about a second of work (64 jobs
 * per slot at ~15 ms), so by then it has room again; a client that waits no longer than this
 * rejoins a line that has moved on.
 */
export const SERVER_BUSY_RETRY_SECONDS = 1;

/**
 * The wait a 503 DB_UNAVAILABLE asks for. A restarting PostgreSQL is usually back within a few
 * seconds; a client retrying sooner would only add load to a server reconnecting its pools.
 */
export const DB_UNAVAILABLE_RETRY_SECONDS = 5;

/** What one error asks the client to wait, in seconds; null when it asks nothing. */
function waitOf(cause: unknown): number | null {
  if (cause instanceof RateLimitedError) return cause.retryAfterSeconds;
  if (isAuthError(cause) && cause.code === "SERVER_BUSY") return SERVER_BUSY_RETRY_SECONDS;
  if (
    cause instanceof AppError &&
    (cause.appCode === "DB_UNAVAILABLE" || cause.appCode === "LIMITER_UNAVAILABLE")
  ) {
    return DB_UNAVAILABLE_RETRY_SECONDS;
  }
  return null;
}

/** The longest wait any of the errors asks for, in seconds; null when none asks for one. */
export function retryAfterSeconds(errors: readonly TRPCError[]): number | null {
  let longest: number | null = null;
  for (const error of errors) {
    const wait = waitOf(error.cause);
    if (wait !== null) longest = Math.max(longest ?? 0, wait);
  }
  return longest;
}

/**
 * `responseMeta` for tRPC adapters: adds `Retry-After: <seconds>` when a response carries a
 * RateLimitedError, SERVER_BUSY or DB_UNAVAILABLE. A batch gets the largest wait, so a client honouring it retries nothing early.
 */
export function retryAfterMeta({ errors }: { errors: readonly TRPCError[] }): ResponseMeta {
  const seconds = retryAfterSeconds(errors);
  if (seconds === null) return {};
  return { headers: new Headers({ "retry-after": String(Math.max(1, Math.ceil(seconds))) }) };
}
