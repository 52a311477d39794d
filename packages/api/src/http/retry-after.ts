// Retry-After for rate-limited responses, shared by every adapter through tRPC's `responseMeta`.
import type { TRPCError } from "@trpc/server";
import type { ResponseMeta } from "@trpc/server/http";
import { RateLimitedError } from "../errors";

/** The longest wait any of the errors asks for, in seconds; null when none is rate limited. */
export function retryAfterSeconds(errors: readonly TRPCError[]): number | null {
  let longest: number | null = null;
  for (const error of errors) {
    const cause = error.cause;
    if (cause instanceof RateLimitedError) {
      longest = Math.max(longest ?? 0, cause.retryAfterSeconds);
    }
  }
  return longest;
}

/**
 * `responseMeta` for tRPC adapters: adds `Retry-After: <seconds>` when a response carries a
 * RateLimitedError. A batch gets the largest wait, so a client honouring it retries nothing early.
 */
export function retryAfterMeta({ errors }: { errors: readonly TRPCError[] }): ResponseMeta {
  const seconds = retryAfterSeconds(errors);
  if (seconds === null) return {};
  return { headers: new Headers({ "retry-after": String(Math.max(1, Math.ceil(seconds))) }) };
}
