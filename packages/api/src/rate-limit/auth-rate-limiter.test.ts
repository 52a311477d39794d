// The login, register and refresh policy on the memory store, with a fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type AuthRateLimiter, createAuthRateLimiter } from "./auth-rate-limiter";
import type { RateLimitSettings } from "./settings";
import { refusal } from "./testing";

/** Small thresholds so every rule is reached in a few calls. */
const SMALL_LIMITS: RateLimitSettings = {
  loginBurstFailures: 3,
  loginBurstLockSeconds: 60,
  loginBurstWindowSeconds: 3600,
  loginAccountFailures: 5,
  loginAccountWindowSeconds: 3600,
  loginClientFailures: 8,
  loginClientWindowSeconds: 3600,
  registerPerClient: 2,
  registerWindowSeconds: 600,
  refreshPerClient: 3,
  refreshWindowSeconds: 60,
};

const ALICE = "alice@example.com";
const BOB = "bob@example.com";
const OFFICE = "203.0.113.10";
const HOME = "198.51.100.20";

let limiter: AuthRateLimiter;
beforeEach(() => {
  vi.useFakeTimers();
  limiter = createAuthRateLimiter({ store: { kind: "memory" }, settings: SMALL_LIMITS });
});
afterEach(async () => {
  await limiter.close();
  vi.useRealTimers();
});

async function fail(times: number, email: string, ip: string | null) {
  for (let i = 0; i < times; i += 1) await limiter.loginFailed(email, ip);
}

describe("burst of failures on one account from one client", () => {
  it("locks that pair for the lock time, and only that pair", async () => {
    await fail(2, ALICE, OFFICE);
    await expect(limiter.beforeLogin(ALICE, OFFICE)).resolves.toBeUndefined();
    await fail(1, ALICE, OFFICE);

    const error = await refusal(limiter.beforeLogin(ALICE, OFFICE));
    expect(error.appCode).toBe("RATE_LIMITED");
    expect(error.trpcCode).toBe("TOO_MANY_REQUESTS");
    expect(error.retryAfterSeconds).toBe(60);
    // The owner elsewhere, and colleagues at the office, are not locked out by it.
    await expect(limiter.beforeLogin(ALICE, HOME)).resolves.toBeUndefined();
    await expect(limiter.beforeLogin(BOB, OFFICE)).resolves.toBeUndefined();

    vi.advanceTimersByTime(30_000);
    expect((await refusal(limiter.beforeLogin(ALICE, OFFICE))).retryAfterSeconds).toBe(30);
    vi.advanceTimersByTime(30_001);
    await expect(limiter.beforeLogin(ALICE, OFFICE)).resolves.toBeUndefined();
  });

  it("refuses the correct password too: the check runs before any password is verified", async () => {
    await fail(3, ALICE, OFFICE);
    // The caller's order is beforeLogin -> verify -> loginSucceeded: a refusal here means the
    // right password never gets checked, so it cannot succeed.
    await refusal(limiter.beforeLogin(ALICE, OFFICE));
  });

  it("a success resets the consecutive count for that pair", async () => {
    await fail(2, ALICE, OFFICE);
    await limiter.loginSucceeded(ALICE, OFFICE);
    await fail(2, ALICE, OFFICE);
    await expect(limiter.beforeLogin(ALICE, OFFICE)).resolves.toBeUndefined();
    await fail(1, ALICE, OFFICE);
    await refusal(limiter.beforeLogin(ALICE, OFFICE));
  });

  it("loginFailed never throws while limited, and late failures do not extend the lock", async () => {
    // Caps high enough that only the burst lock is in play.
    const settings = { ...SMALL_LIMITS, loginAccountFailures: 50, loginClientFailures: 50 };
    limiter = createAuthRateLimiter({ store: { kind: "memory" }, settings });
    await fail(3, ALICE, OFFICE);
    vi.advanceTimersByTime(10_000);
    // Requests that passed beforeLogin just before the lock land afterwards.
    await expect(fail(10, ALICE, OFFICE)).resolves.toBeUndefined();
    expect((await refusal(limiter.beforeLogin(ALICE, OFFICE))).retryAfterSeconds).toBe(50);
    vi.advanceTimersByTime(50_001);
    await expect(limiter.beforeLogin(ALICE, OFFICE)).resolves.toBeUndefined();
  });

  it("a burst completed just before its window ends still gets the whole lock", async () => {
    await fail(1, ALICE, OFFICE);
    vi.advanceTimersByTime(3590_000);
    await fail(2, ALICE, OFFICE);
    expect((await refusal(limiter.beforeLogin(ALICE, OFFICE))).retryAfterSeconds).toBe(60);
  });

  it("treats differently written forms of one email as one account", async () => {
    await fail(1, "Alice@Example.com", OFFICE);
    await fail(1, " alice@example.COM ", OFFICE);
    await fail(1, ALICE, OFFICE);
    await refusal(limiter.beforeLogin("ALICE@example.com", OFFICE));
  });

  it("treats one IPv6 /64 as one client", async () => {
    await fail(1, ALICE, "2001:db8:1:2::1");
    await fail(1, ALICE, "2001:db8:1:2::ffff");
    await fail(1, ALICE, "2001:db8:1:2:aaaa:bbbb:cccc:dddd");
    await refusal(limiter.beforeLogin(ALICE, "2001:db8:1:2::42"));
    await expect(limiter.beforeLogin(ALICE, "2001:db8:1:3::1")).resolves.toBeUndefined();
  });
});

describe("failures per account, from every client", () => {
  it("caps the account for the rest of its window, whoever asks", async () => {
    // One failure per client: no burst lock, only the account-wide count.
    for (let i = 1; i <= 5; i += 1) await limiter.loginFailed(ALICE, `192.0.2.${i}`);
    const error = await refusal(limiter.beforeLogin(ALICE, "192.0.2.99"));
    expect(error.retryAfterSeconds).toBe(3600);
    await expect(limiter.beforeLogin(BOB, "192.0.2.99")).resolves.toBeUndefined();
    vi.advanceTimersByTime(3600_001);
    await expect(limiter.beforeLogin(ALICE, "192.0.2.99")).resolves.toBeUndefined();
  });

  it("is not reset by a success", async () => {
    for (let i = 1; i <= 4; i += 1) await limiter.loginFailed(ALICE, `192.0.2.${i}`);
    await limiter.loginSucceeded(ALICE, "192.0.2.50");
    await limiter.loginFailed(ALICE, "192.0.2.51");
    await refusal(limiter.beforeLogin(ALICE, "192.0.2.50"));
  });
});

describe("failures per client, over every account", () => {
  it("caps one address trying many accounts, and nobody else", async () => {
    for (let i = 1; i <= 8; i += 1) await limiter.loginFailed(`user${i}@example.com`, OFFICE);
    expect((await refusal(limiter.beforeLogin("new@example.com", OFFICE))).retryAfterSeconds).toBe(
      3600,
    );
    await expect(limiter.beforeLogin("new@example.com", HOME)).resolves.toBeUndefined();
  });

  it("puts every request without a known address in one shared bucket", async () => {
    for (let i = 1; i <= 8; i += 1) await limiter.loginFailed(`user${i}@example.com`, null);
    await refusal(limiter.beforeLogin("new@example.com", null));
    await expect(limiter.beforeLogin("new@example.com", OFFICE)).resolves.toBeUndefined();
  });
});

describe("register and refresh per client", () => {
  it("allows the budget, then refuses with the time left in the window", async () => {
    await limiter.register(OFFICE);
    vi.advanceTimersByTime(100_000);
    await limiter.register(OFFICE);
    const error = await refusal(limiter.register(OFFICE));
    expect(error.retryAfterSeconds).toBe(500);
    await expect(limiter.register(HOME)).resolves.toBeUndefined();
    vi.advanceTimersByTime(500_001);
    await expect(limiter.register(OFFICE)).resolves.toBeUndefined();
  });

  it("counts refreshes separately from registers", async () => {
    await limiter.register(OFFICE);
    for (let i = 0; i < 3; i += 1) await limiter.refresh(OFFICE);
    expect((await refusal(limiter.refresh(OFFICE))).retryAfterSeconds).toBe(60);
    await expect(limiter.register(OFFICE)).resolves.toBeUndefined();
    await expect(limiter.refresh(null)).resolves.toBeUndefined();
  });
});
