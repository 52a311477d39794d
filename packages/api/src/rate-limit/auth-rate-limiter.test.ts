// The login, register and refresh policy on the memory store, with a fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RateLimitedError } from "../errors";
import { type AuthRateLimiter, createAuthRateLimiter } from "./auth-rate-limiter";
import type { LoginAttempt } from "./login-attempt";
import type { RateLimitSettings } from "./settings";
import { expectAccountCleared, refusal } from "./testing";

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
const PHONE = "device-phone";
const LAPTOP = "device-laptop";

let limiter: AuthRateLimiter;
beforeEach(() => {
  vi.useFakeTimers();
  limiter = createAuthRateLimiter({ store: { kind: "memory" }, settings: SMALL_LIMITS });
});
afterEach(async () => {
  await limiter.close();
  vi.useRealTimers();
});

function withSettings(settings: Partial<RateLimitSettings>) {
  limiter = createAuthRateLimiter({
    store: { kind: "memory" },
    settings: { ...SMALL_LIMITS, ...settings },
  });
}

const begin = (email: string, ip: string | null, device: string | null = null) =>
  limiter.beginLogin({ email, clientIp: ip, device });

/** `times` attempts, one after another, each a wrong password. */
async function fail(times: number, email: string, ip: string | null, device: string | null = null) {
  for (let i = 0; i < times; i += 1) await (await begin(email, ip, device)).failed();
}

async function succeed(email: string, ip: string | null, device: string | null = null) {
  await (await begin(email, ip, device)).succeeded();
}

/** Starts `count` attempts at once: the admitted ones, still unsettled, and the refusals. */
async function race(count: number, email: string, ip: string | null) {
  const outcomes = await Promise.all(
    Array.from({ length: count }, () =>
      begin(email, ip).then(
        (attempt) => attempt,
        (error: unknown) => {
          if (error instanceof RateLimitedError) return error;
          throw error;
        },
      ),
    ),
  );
  const admitted = outcomes.filter((o): o is LoginAttempt => !(o instanceof RateLimitedError));
  const refused = outcomes.filter((o): o is RateLimitedError => o instanceof RateLimitedError);
  return { admitted, refused };
}

describe("clearAccount", () => {
  it("clears an account's sign-in limits in the memory store, and no other account's", async () => {
    await expectAccountCleared({ kind: "memory" }, "limiter", null);
  });
});

describe("burst of failures on one account from one client", () => {
  it("locks that pair for the lock time, and only that pair", async () => {
    await fail(3, ALICE, OFFICE);
    const error = await refusal(begin(ALICE, OFFICE));
    expect(error.appCode).toBe("RATE_LIMITED");
    expect(error.trpcCode).toBe("TOO_MANY_REQUESTS");
    expect(error.retryAfterSeconds).toBe(60);
    // The owner elsewhere, and colleagues at the office, are not locked out by it.
    await succeed(ALICE, HOME);
    await succeed(BOB, OFFICE);

    vi.advanceTimersByTime(30_000);
    expect((await refusal(begin(ALICE, OFFICE))).retryAfterSeconds).toBe(30);
    vi.advanceTimersByTime(30_001);
    await fail(1, ALICE, OFFICE);
  });

  it("charges the attempt before any password is checked: the right one is refused too", async () => {
    await fail(3, ALICE, OFFICE);
    // The caller's order is beginLogin -> verify -> settle: a refusal means the right
    // password is never checked, so it cannot succeed.
    await refusal(begin(ALICE, OFFICE));
  });

  it("admits no more concurrent attempts than the burst allows (issue 9)", async () => {
    // Caps high enough that only the burst is in play.
    withSettings({ loginAccountFailures: 50, loginClientFailures: 50 });
    const { admitted, refused } = await race(50, ALICE, OFFICE);
    expect(admitted).toHaveLength(3);
    expect(refused).toHaveLength(47);
    // Refused while the admitted three are still being verified: told the lock's length, not
    // the rest of the hour-long burst window.
    for (const error of refused) expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
    await Promise.all(admitted.map((attempt) => attempt.failed()));
    expect((await refusal(begin(ALICE, OFFICE))).retryAfterSeconds).toBe(60);
    vi.advanceTimersByTime(60_001);
    // After the lock, the next burst.
    expect((await race(50, ALICE, OFFICE)).admitted).toHaveLength(3);
  });

  it("the attempt that reaches the threshold locks when it fails; earlier ones do not extend it", async () => {
    withSettings({ loginAccountFailures: 50, loginClientFailures: 50 });
    const [first, second, third] = (await race(3, ALICE, OFFICE)).admitted;
    if (!first || !second || !third) throw new Error("expected three admitted attempts");
    await third.failed();
    expect((await refusal(begin(ALICE, OFFICE))).retryAfterSeconds).toBe(60);
    vi.advanceTimersByTime(10_000);
    await first.failed();
    await second.failed();
    expect((await refusal(begin(ALICE, OFFICE))).retryAfterSeconds).toBe(50);
    vi.advanceTimersByTime(50_001);
    await fail(1, ALICE, OFFICE);
  });

  it("a success among attempts in flight resets the pair: no lock", async () => {
    const [first, second, third] = (await race(3, ALICE, OFFICE)).admitted;
    if (!first || !second || !third) throw new Error("expected three admitted attempts");
    await first.succeeded();
    await third.failed();
    await second.failed();
    // Not locked, and counting afresh: a whole burst again.
    await fail(3, ALICE, OFFICE);
    await refusal(begin(ALICE, OFFICE));
  });

  it("a success resets the consecutive count for that pair", async () => {
    await fail(2, ALICE, OFFICE);
    await succeed(ALICE, OFFICE);
    await fail(2, ALICE, OFFICE);
    await fail(1, ALICE, OFFICE);
    await refusal(begin(ALICE, OFFICE));
  });

  it("a burst completed just before its window ends still gets the whole lock", async () => {
    await fail(1, ALICE, OFFICE);
    vi.advanceTimersByTime(3590_000);
    await fail(2, ALICE, OFFICE);
    expect((await refusal(begin(ALICE, OFFICE))).retryAfterSeconds).toBe(60);
  });

  it("treats differently written forms of one email as one account", async () => {
    await fail(1, "Alice@Example.com", OFFICE);
    await fail(1, " alice@example.COM ", OFFICE);
    await fail(1, ALICE, OFFICE);
    await refusal(begin("ALICE@example.com", OFFICE));
  });

  it("treats one IPv6 /64 as one client", async () => {
    await fail(1, ALICE, "2001:db8:1:2::1");
    await fail(1, ALICE, "2001:db8:1:2::ffff");
    await fail(1, ALICE, "2001:db8:1:2:aaaa:bbbb:cccc:dddd");
    await refusal(begin(ALICE, "2001:db8:1:2::42"));
    await fail(1, ALICE, "2001:db8:1:3::1");
  });

  it("an attacker locked on one pair does not drain the account or the client", async () => {
    await fail(3, ALICE, OFFICE);
    for (let i = 0; i < 20; i += 1) await refusal(begin(ALICE, OFFICE));
    // Account: 3 of 5 spent, so two more failures from elsewhere, then the cap.
    await fail(1, ALICE, "192.0.2.1");
    await fail(1, ALICE, "192.0.2.2");
    expect((await refusal(begin(ALICE, "192.0.2.3"))).retryAfterSeconds).toBe(3600);
    // Client: 3 of 8 spent at the office, so five other accounts can still fail there.
    for (let i = 1; i <= 5; i += 1) await fail(1, `user${i}@example.com`, OFFICE);
    await refusal(begin("user6@example.com", OFFICE));
  });
});

describe("failures per account, from every client", () => {
  it("caps the account for the rest of its window, whoever asks", async () => {
    // One failure per client: no burst lock, only the account-wide count.
    for (let i = 1; i <= 5; i += 1) await fail(1, ALICE, `192.0.2.${i}`);
    const error = await refusal(begin(ALICE, "192.0.2.99"));
    expect(error.retryAfterSeconds).toBe(3600);
    await succeed(BOB, "192.0.2.99");
    vi.advanceTimersByTime(3600_001);
    await succeed(ALICE, "192.0.2.99");
  });

  it("a refusal by the account gives back what the pair and the client had admitted", async () => {
    withSettings({ loginBurstWindowSeconds: 24 * 3600 });
    for (let i = 1; i <= 5; i += 1) await fail(1, ALICE, `192.0.2.${i}`);
    for (let i = 0; i < 20; i += 1) await refusal(begin(ALICE, OFFICE));
    // The office's client budget is whole: eight other accounts can fail there.
    for (let i = 1; i <= 8; i += 1) await fail(1, `user${i}@example.com`, OFFICE);
    await refusal(begin("user9@example.com", OFFICE));
    // And the ALICE/OFFICE pair (a day's window) is whole once the account's hour is over.
    vi.advanceTimersByTime(3600_001);
    await fail(2, ALICE, OFFICE);
    await succeed(ALICE, OFFICE);
  });

  it("is not reset by a success, but a success is not counted as a failure", async () => {
    for (let i = 1; i <= 4; i += 1) await fail(1, ALICE, `192.0.2.${i}`);
    for (let i = 0; i < 10; i += 1) await succeed(ALICE, "192.0.2.50");
    await fail(1, ALICE, "192.0.2.51");
    await refusal(begin(ALICE, "192.0.2.50"));
  });

  it("refuses with the longest wait of the budgets that refuse", async () => {
    withSettings({ loginClientWindowSeconds: 7200 });
    for (let i = 1; i <= 5; i += 1) await fail(1, ALICE, `192.0.2.${i}`);
    for (let i = 1; i <= 8; i += 1) await fail(1, `user${i}@example.com`, OFFICE);
    expect((await refusal(begin(ALICE, OFFICE))).retryAfterSeconds).toBe(7200);
  });
});

describe("a known device's own budget, instead of the account's", () => {
  it("keeps a known device signing in while failures from elsewhere cap the account", async () => {
    for (let i = 1; i <= 5; i += 1) await fail(1, ALICE, `192.0.2.${i}`);
    await refusal(begin(ALICE, HOME));
    await succeed(ALICE, HOME, PHONE);
    // Its own failures still count, against its own budget.
    await fail(2, ALICE, HOME, PHONE);
    await succeed(ALICE, HOME, PHONE);
  });

  it("locks a known device with its own failures, and only that device", async () => {
    withSettings({ loginClientFailures: 50 });
    for (let i = 1; i <= 5; i += 1) await fail(1, ALICE, `192.0.2.${i}`, PHONE);
    expect((await refusal(begin(ALICE, "192.0.2.9", PHONE))).retryAfterSeconds).toBe(3600);
    // Another device, and the account's shared budget, are untouched by them.
    await fail(2, ALICE, "192.0.2.20", LAPTOP);
    await succeed(ALICE, "192.0.2.21", LAPTOP);
    for (let i = 30; i < 35; i += 1) await fail(1, ALICE, `192.0.2.${i}`);
    await refusal(begin(ALICE, "192.0.2.40"));
  });

  it("still applies the pair's burst lock and the client's cap to a known device", async () => {
    await fail(3, ALICE, OFFICE, PHONE);
    expect((await refusal(begin(ALICE, OFFICE, PHONE))).retryAfterSeconds).toBe(60);
    for (let i = 1; i <= 8; i += 1) await fail(1, `user${i}@example.com`, HOME);
    await refusal(begin(ALICE, HOME, PHONE));
  });
});

describe("failures per client, over every account", () => {
  it("caps one address trying many accounts, and nobody else", async () => {
    for (let i = 1; i <= 8; i += 1) await fail(1, `user${i}@example.com`, OFFICE);
    expect((await refusal(begin("new@example.com", OFFICE))).retryAfterSeconds).toBe(3600);
    await succeed("new@example.com", HOME);
  });

  it("does not count successes: an office signing in all day is not capped by them", async () => {
    for (let i = 1; i <= 30; i += 1) await succeed(`user${i}@example.com`, OFFICE);
    for (let i = 1; i <= 8; i += 1) await fail(1, `user${i}@example.com`, OFFICE);
    await refusal(begin("new@example.com", OFFICE));
  });

  it("puts every request without a known address in one shared bucket", async () => {
    for (let i = 1; i <= 8; i += 1) await fail(1, `user${i}@example.com`, null);
    await refusal(begin("new@example.com", null));
    await succeed("new@example.com", OFFICE);
  });
});

describe("IPv6 clients rotating through the /64s of one allocation", () => {
  // Per client 2, so a /56 gets 8 and a /48 gets 32.
  beforeEach(() => withSettings({ loginClientFailures: 2, registerPerClient: 2 }));
  const inSlash56 = (i: number) => `2001:db8:7:${(0x3400 + i).toString(16)}::1`;
  const inSlash48 = (i: number) => `2001:db8:7:${(i << 8).toString(16)}::1`;

  it("caps one /64 at the per-client threshold", async () => {
    await fail(2, "a@example.com", inSlash56(0));
    await refusal(begin("b@example.com", inSlash56(0)));
  });

  it("caps a /56 at 4x, whichever of its /64s ask", async () => {
    for (let i = 0; i < 8; i += 1) await fail(1, `user${i}@example.com`, inSlash56(i));
    expect((await refusal(begin("new@example.com", inSlash56(100)))).retryAfterSeconds).toBe(3600);
    // The next /56 of the same /48 has its own.
    await fail(1, "new@example.com", "2001:db8:7:3500::1");
  });

  it("caps a /48 at 16x, whichever of its /56s ask", async () => {
    for (let i = 0; i < 32; i += 1) await fail(1, `user${i}@example.com`, inSlash48(i));
    await refusal(begin("new@example.com", inSlash48(200)));
    await fail(1, "new@example.com", "2001:db8:8::1");
  });

  it("counts registrations per /56 too", async () => {
    for (let i = 0; i < 8; i += 1) await limiter.register(inSlash56(i));
    await refusal(limiter.register(inSlash56(50)));
    await limiter.register("2001:db8:7:3500::1");
  });
});

describe("settling an attempt", () => {
  it("is done once: a second settle is a programmer mistake", async () => {
    const attempt = await begin(ALICE, OFFICE);
    await attempt.failed();
    await expect(attempt.succeeded()).rejects.toThrow(TypeError);
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
