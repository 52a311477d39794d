// Test helpers for the rate limiter's suites (not exported from the module).
import { randomInt, randomUUID } from "node:crypto";
import { RateLimitedError } from "../errors";

/** Resolves with the RateLimitedError the call throws; fails the test if it throws nothing. */
export async function refusal(call: Promise<unknown>): Promise<RateLimitedError> {
  const error = await call.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (error instanceof RateLimitedError) return error;
  throw error ?? new Error("expected a RateLimitedError");
}

/** Unique per call: suites on a shared store (this run's database) never meet. */
export const uniqueEmail = () => `limit-${randomUUID()}@example.com`;
export const uniqueIp = () => `198.18.${randomInt(256)}.${randomInt(1, 255)}`;
