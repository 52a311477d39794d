// Test helpers for the rate limiter's suites (not exported from the module).
import { randomInt, randomUUID } from "node:crypto";
import { expect } from "vitest";
import { RateLimitedError } from "../errors";
import { clearAccountLimits } from "./account-limits";
import { createAuthRateLimiter } from "./auth-rate-limiter";
import { accountKey } from "./keys";
import type { LimiterStore } from "./store";

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

/**
 * On `store`: locks an account every way a sign-in is counted against it (a pair's burst, the
 * account's budget, a known device's budget) beside a second locked account, clears the first
 * (through the running limiter, or as the command line does, without one), and expects it to
 * sign in again at once from anywhere while the second stays locked. `storedKeys(fragment)`
 * counts the keys in the store that contain `fragment` (null: a store nothing else can read).
 */
export async function expectAccountCleared(
  store: LimiterStore,
  via: "limiter" | "command",
  storedKeys: ((fragment: string) => Promise<number>) | null,
): Promise<void> {
  const lines: string[] = [];
  const limiter = createAuthRateLimiter({
    store,
    settings: { loginBurstFailures: 2, loginBurstLockSeconds: 600, loginAccountFailures: 3 },
    log: (line) => lines.push(line),
  });
  try {
    const [account, other] = [uniqueEmail(), uniqueEmail()];
    const [c1, c2, c3] = [uniqueIp(), uniqueIp(), uniqueIp()];
    const begin = (email: string, clientIp: string, device: string | null = null) =>
      limiter.beginLogin({ email, clientIp, device });
    const fail = async (email: string, clientIp: string, device: string | null = null) =>
      (await begin(email, clientIp, device)).failed();
    await fail(account, c1);
    await fail(account, c1); // the pair (account, c1) is locked
    await fail(account, c2, "a-known-device"); // the device's own budget, not the account's
    await fail(account, c3); // the account's budget of 3 is spent
    await fail(other, c1);
    await fail(other, c1);
    await refusal(begin(account, c1));
    await refusal(begin(account, uniqueIp()));
    await refusal(begin(other, c1));
    const [mine, theirs] = [accountKey(account), accountKey(other)];
    if (storedKeys) expect(await storedKeys(mine)).toBeGreaterThanOrEqual(5);

    // Spelt as an operator may type it: the same account.
    const typed = ` ${account.toUpperCase()} `;
    const cleared =
      via === "limiter" || store.kind === "memory"
        ? await limiter.clearAccount(typed)
        : await clearAccountLimits(store, typed);
    expect(cleared).toBeGreaterThanOrEqual(5);
    if (storedKeys) expect(await storedKeys(mine)).toBe(0);
    for (const clientIp of [c1, uniqueIp()]) await (await begin(account, clientIp)).succeeded();
    await refusal(begin(other, c1));
    if (storedKeys) expect(await storedKeys(theirs)).toBeGreaterThan(0);
    // It ran on the store, not on the memory stand-in.
    expect(lines).toEqual([]);
  } finally {
    await limiter.close();
  }
}
