// The PostgreSQL store for real: instances share counts, rows hold no email, and a dead store
// hands over to per-instance memory without locking anyone out.
import { randomInt } from "node:crypto";
import { freePort, provisionTestDatabase, stallCommits, startSilentServer } from "@kit/db/testing";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { RateLimitedError } from "../errors";
import {
  type AuthRateLimiter,
  createAuthRateLimiter,
  type LoginAttempt,
} from "./auth-rate-limiter";
import { accountKey, clientKey, deviceKey } from "./keys";
import type { RateLimitSettings } from "./settings";
import { expectAccountCleared, refusal, uniqueEmail, uniqueIp } from "./testing";

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
function limiter(
  url: string,
  log: (line: string) => void = (line) => logged.push(line),
  refreshSyncMs?: number,
) {
  const created = createAuthRateLimiter({
    store: { kind: "postgres", url },
    settings: SMALL_LIMITS,
    log,
    refreshSyncMs,
  });
  open.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
  // A store test that quietly ran on the memory stand-in would prove nothing.
  expect(logged.splice(0)).toEqual([]);
});

/** One attempt from `instance`, settled as a wrong password. */
async function fail(instance: AuthRateLimiter, email: string, clientIp: string) {
  await (await instance.beginLogin({ email, clientIp, device: null })).failed();
}

const begin = (instance: AuthRateLimiter, email: string, clientIp: string) =>
  instance.beginLogin({ email, clientIp, device: null });

describe("PostgreSQL store", () => {
  const url = inject("databaseUrl");

  it("shares counts between instances: a limit reached across two holds on both", async () => {
    const [a, b] = [limiter(url), limiter(url)];
    const [account, client] = [email(), ip()];
    await fail(a, account, client);
    await fail(b, account, client);
    await fail(a, account, client);
    for (const instance of [a, b]) {
      const error = await refusal(begin(instance, account, client));
      expect(error.retryAfterSeconds).toBeGreaterThan(55);
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
    }

    const office = ip();
    await a.register(office);
    await b.register(office);
    await refusal(a.register(office));
    await refusal(b.register(office));
  });

  it("shares the refresh budget from one sync to the next", async () => {
    const log = (line: string) => logged.push(line);
    const [a, b] = [limiter(url, log, 50), limiter(url, log, 50)];
    const office = ip();
    await a.refresh(office);
    await a.refresh(office);
    await refusal(a.refresh(office));
    // Twenty sync periods each: a loaded machine may delay a flush by more than one.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // b had not synced this client: it admits one on what it knew, then learns a's two.
    await b.refresh(office);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const error = await refusal(b.refresh(office));
    expect(error.retryAfterSeconds).toBeGreaterThan(500);
  });

  it.each(["limiter", "command"] as const)(
    "clears an account's sign-in limits (through the %s), and no other account's",
    async (via) => {
      await expectAccountCleared({ kind: "postgres", url }, via, async (fragment) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const { rows } = await client.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM rate_limits WHERE strpos(key, $1) > 0",
            [fragment],
          );
          return rows[0]?.n ?? 0;
        } finally {
          await client.end();
        }
      });
    },
  );

  it("a success on one instance resets the burst count seen by the other", async () => {
    const [a, b] = [limiter(url), limiter(url)];
    const [account, client] = [email(), ip()];
    await fail(a, account, client);
    await fail(a, account, client);
    await (await begin(b, account, client)).succeeded();
    await fail(a, account, client);
    await fail(a, account, client);
    await fail(b, account, client);
    await refusal(begin(a, account, client));
  });

  it("admits no more concurrent attempts than the burst, across instances (issue 9)", async () => {
    const [a, b] = [limiter(url), limiter(url)];
    const [account, client] = [email(), ip()];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        begin(i % 2 ? a : b, account, client).catch((error: unknown) => {
          if (error instanceof RateLimitedError) return error;
          throw error;
        }),
      ),
    );
    const refused = outcomes.filter((o) => o instanceof RateLimitedError);
    const admitted = outcomes.filter((o): o is LoginAttempt => !(o instanceof RateLimitedError));
    expect(admitted).toHaveLength(3);
    // Told the lock's length even while the three admitted are still unsettled.
    for (const error of refused) expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
    await Promise.all(admitted.map((attempt) => attempt.failed()));
    const error = await refusal(begin(b, account, client));
    expect(error.retryAfterSeconds).toBeGreaterThan(55);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("gives back, on a success or a refusal, the points the other budgets took", async () => {
    const instance = limiter(url);
    const account = email();
    // The default account cap (100/h) with the burst at 3: 99 failures from 33 clients.
    for (let i = 0; i < 33; i += 1) {
      const client = `198.19.${i}.${randomInt(1, 255)}`;
      for (let j = 0; j < 3; j += 1) await fail(instance, account, client);
    }
    const home = ip();
    for (let i = 0; i < 5; i += 1) await (await begin(instance, account, home)).succeeded();
    await fail(instance, account, home);
    // 100 failures: the account is capped, and the refusal gives its pair point back; the
    // refusals after it only read the account's count (a flood at a cap writes nothing).
    for (let i = 0; i < 5; i += 1) await refusal(begin(instance, account, home));
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const { rows } = await pool.query<{ key: string; points: number }>(
        "SELECT key, points FROM rate_limits WHERE key = ANY($1)",
        [
          [
            `login-account:${accountKey(account)}`,
            `login-burst:${accountKey(account)}:${clientKey(home)}`,
            `login-client:${clientKey(home)}`,
          ],
        ],
      );
      expect(Object.fromEntries(rows.map((row) => [row.key.split(":")[0], row.points]))).toEqual({
        // 100 failures, and the one refused spend (over the cap, it ends with its window).
        "login-account": 101,
        "login-burst": 1,
        "login-client": 1,
      });
    } finally {
      await pool.end();
    }
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
    expect((await refusal(begin(instance, account, client))).retryAfterSeconds).toBe(60);
    // The same lock, asked again: 60 s less the moment between the two on a loaded machine.
    const again = (await refusal(begin(instance, account, client))).retryAfterSeconds;
    expect(again).toBeGreaterThan(55);
    expect(again).toBeLessThanOrEqual(60);
  });

  it("keeps no email or device id in the table, only hashed keys", async () => {
    const account = email();
    const device = `device-${account}`;
    const instance = limiter(url);
    await (await instance.beginLogin({ email: account, clientIp: ip(), device })).failed();
    // An IPv6 client is counted for its /64, /56 and /48.
    await (
      await instance.beginLogin({ email: account, clientIp: "2001:db8:5:6a7::1", device: null })
    ).failed();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const { rows } = await pool.query<{ key: string }>("SELECT key FROM rate_limits");
      const keys = rows.map((row) => row.key);
      expect(keys).toEqual(
        expect.arrayContaining([
          `login-device:${accountKey(account)}:${deviceKey(device)}`,
          "login-client:2001:db8:5:6a7::/64",
          "login-client-56:2001:db8:5:600::/56",
          "login-client-48:2001:db8:5::/48",
        ]),
      );
      expect(keys.some((key) => key.startsWith("login-burst:"))).toBe(true);
      expect(keys.every((key) => !key.includes("@") && !key.includes("device-"))).toBe(true);
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

    // Not a lock-out: the right password goes through, the store failing is not a refusal
    // (its reset and give-back run on the stand-in too, and say so: no false "answering again").
    await expect((await begin(down, account, client)).succeeded()).resolves.toBeUndefined();
    await expect(down.refresh(client)).resolves.toBeUndefined();

    // Not an open door: the same thresholds hold, counted in this instance's memory.
    for (let i = 0; i < 3; i += 1) await fail(down, account, client);
    expect((await refusal(begin(down, account, client))).retryAfterSeconds).toBe(60);
    await down.refresh(client);
    await refusal(down.refresh(client));

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/postgres store failing/);
    expect(lines.join("\n")).not.toContain(account);
    expect(lines.join("\n")).not.toContain(client);
  });
});

describe("PostgreSQL store that accepts connections and never answers", () => {
  it("costs one timeout, not one per call: once failing, calls go to memory but one in a while", async () => {
    const silent = await startSilentServer();
    try {
      const lines: string[] = [];
      const hung = limiter(silent.url, (line) => lines.push(line));
      const client = ip();
      // The first attempt waits out the store's timeout, and finds the outage.
      await (await begin(hung, email(), client)).succeeded();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/postgres store failing/);
      const tried = silent.accepted();
      // The next ten go to memory without trying the store each (before: a new connection per
      // call, each waiting 2 s); within PROBE_INTERVAL_MS at most one tries it meanwhile.
      for (let i = 0; i < 10; i += 1) await (await begin(hung, email(), client)).failed();
      expect(silent.accepted() - tried).toBeLessThanOrEqual(1);
      // Still the one line for the outage.
      expect(lines).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });
});

describe("PostgreSQL store whose commits wait for an absent standby (a replication stall)", () => {
  it("leaves no backend waiting behind the counts it gave up on", async () => {
    const db = await provisionTestDatabase();
    const stall = await stallCommits(db.url);
    try {
      const lines: string[] = [];
      const stalled = limiter(db.url, (line) => lines.push(line));
      // Its counts' upserts time out: the attempt goes on from memory, and says so once.
      await (await begin(stalled, email(), ip())).succeeded();
      const failing = lines.filter((line) => /postgres store failing/.test(line));
      expect(failing).toHaveLength(1);
      // Each upsert given up on was cancelled, not left waiting for the rest of the stall, and
      // the log says so.
      expect(await stall.settle(0, 5000)).toBe(0);
      expect(lines).toContainEqual(
        expect.stringMatching(/^\[rate-limit\] a statement the database did not answer in time/),
      );
    } finally {
      await stall.end();
      await db.dispose();
    }
  });
});
