// Test helpers for the rate limiter's suites (not exported from the module).
import { randomInt, randomUUID } from "node:crypto";
import { createServer } from "node:net";
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

/** A port free right now (bound, then released): for a server to start on, or to find closed. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
