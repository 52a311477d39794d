// The PostgreSQL store for real: instances share counts, rows hold no email, and a dead store
// hands over to per-instance memory without locking anyone out.
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { type AuthRateLimiter, createAuthRateLimiter } from "./auth-rate-limiter";
import { accountKey, clientKey } from "./keys";
import type { RateLimitSettings } from "./settings";
import { freePort, refusal, uniqueEmail, uniqueIp } from "./testing";

const SMALL_LIMITS: Partial<RateLimitSettings> = {
  loginBurstFailures: 3,
  loginBurstLockSeconds: 60,
  registerPerClient: 2,
  refreshPerClient: 2,
};

const email = uniqueEmail;
const ip = uniqueIp;

const open: AuthRateLimiter[] = [];
const logged: string[] = [];
function limiter(url: string, log: (line: string) => void = (line) => logged.push(line)) {
  const created = createAuthRateLimiter({
    store: { kind: "postgres", url },
    settings: SMALL_LIMITS,
    log,
  });
  open.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
  // A store test that quietly ran on the memory stand-in would prove nothing.
  expect(logged.splice(0)).toEqual([]);
});

describe("PostgreSQL store", () => {
  const url = inject("databaseUrl");

  it("shares counts between instances: a limit reached across two holds on both", async () => {
    const [a, b] = [limiter(url), limiter(url)];
    const [account, client] = [email(), ip()];
    await a.loginFailed(account, client);
    await b.loginFailed(account, client);
    await expect(a.beforeLogin(account, client)).resolves.toBeUndefined();
    await a.loginFailed(account, client);
    for (const instance of [a, b]) {
      const error = await refusal(instance.beforeLogin(account, client));
      expect(error.retryAfterSeconds).toBeGreaterThan(55);
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
    }

    const office = ip();
    await a.register(office);
    await b.register(office);
    await refusal(a.register(office));
    await refusal(b.register(office));
  });

  it("a success on one instance resets the burst count seen by the other", async () => {
    const [a, b] = [limiter(url), limiter(url)];
    const [account, client] = [email(), ip()];
    await a.loginFailed(account, client);
    await a.loginFailed(account, client);
    await b.loginSucceeded(account, client);
    await a.loginFailed(account, client);
    await a.loginFailed(account, client);
    await expect(b.beforeLogin(account, client)).resolves.toBeUndefined();
  });

  it("a count left at the threshold without its lock (a failed write) costs the lock, not a day", async () => {
    const [account, client] = [email(), ip()];
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      // The state a store failure between "count the 3rd failure" and "lock" leaves behind.
      await pool.query("INSERT INTO rate_limits (key, points, expire) VALUES ($1, 3, $2)", [
        `login-burst:${accountKey(account)}:${clientKey(client)}`,
        Date.now() + 24 * 3600_000,
      ]);
    } finally {
      await pool.end();
    }
    const instance = limiter(url);
    expect((await refusal(instance.beforeLogin(account, client))).retryAfterSeconds).toBe(60);
    expect((await refusal(instance.beforeLogin(account, client))).retryAfterSeconds).toBe(60);
  });

  it("keeps no email in the table, only hashed keys", async () => {
    const account = email();
    await limiter(url).loginFailed(account, ip());
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const { rows } = await pool.query<{ key: string }>("SELECT key FROM rate_limits");
      expect(rows.length).toBeGreaterThanOrEqual(3);
      expect(rows.some((row) => row.key.startsWith("login-burst:"))).toBe(true);
      expect(rows.every((row) => !row.key.includes("@"))).toBe(true);
    } finally {
      await pool.end();
    }
  });
});

describe("PostgreSQL store unreachable", () => {
  it("limits still apply from memory, a correct login is not refused, one log line", async () => {
    const lines: string[] = [];
    const down = limiter(`postgresql://kit:kit@127.0.0.1:${await freePort()}/kit`, (line) => {
      lines.push(line);
    });
    const [account, client] = [email(), ip()];

    // Not a lock-out: the right password goes through, the store failing is not a refusal.
    await expect(down.beforeLogin(account, client)).resolves.toBeUndefined();
    await expect(down.loginSucceeded(account, client)).resolves.toBeUndefined();
    await expect(down.refresh(client)).resolves.toBeUndefined();

    // Not an open door: the same thresholds hold, counted in this instance's memory.
    for (let i = 0; i < 3; i += 1) await down.loginFailed(account, client);
    expect((await refusal(down.beforeLogin(account, client))).retryAfterSeconds).toBe(60);
    await down.refresh(client);
    await refusal(down.refresh(client));

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/postgres store failing/);
    expect(lines.join("\n")).not.toContain(account);
    expect(lines.join("\n")).not.toContain(client);
  });
});
