// PostgreSQL stopped under a running server (a private one, on a folder and port of its own):
// every kind of call answers 503 DB_UNAVAILABLE with Retry-After, promptly; once PostgreSQL is
// started again, the same server serves again and the sessions from before still work.
import { migrate } from "@kit/db";
import { type RestartablePostgres, startRestartablePostgres } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InProcessServer, startInProcessServer } from "../../test/in-process-server";
import { bearer, type Reply, uniqueEmail } from "../../test/test-server";
import { createAuthRateLimiter } from "../rate-limit";
import { DB_UNAVAILABLE_RETRY_SECONDS } from "./retry-after";

const PASSWORD = "correct horse battery";
// Refused connections fail at once; this leaves room for a slow machine, and stays under the
// 5 s DATABASE_TIMEOUT a hung call would wait: an answer this late means something waited.
const PROMPT_MS = 4000;

let postgres: RestartablePostgres;
beforeAll(async () => {
  postgres = await startRestartablePostgres();
  await migrate(postgres.url, {});
});
afterAll(async () => {
  await postgres?.dispose();
});

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function timed(call: () => Promise<Reply>): Promise<Reply & { ms: number }> {
  const started = Date.now();
  const reply = await call();
  return { ...reply, ms: Date.now() - started };
}

describe.each([
  ["with the session cache", 10_000],
  ["without it (AUTH_SESSION_CACHE_SIZE=0)", 0],
])("PostgreSQL stopped and started again, %s", (_, sessionCacheSize) => {
  let api: InProcessServer;
  const limiter = () =>
    // As production runs it: the PostgreSQL store, with its in-memory stand-in for outages.
    createAuthRateLimiter({ store: { kind: "postgres", url: postgres.url }, log: () => {} });
  let ownLimiter: ReturnType<typeof limiter>;

  beforeAll(async () => {
    ownLimiter = limiter();
    api = await startInProcessServer({
      databaseOf: { databaseUrl: postgres.url },
      sessionCacheSize,
      limiter: ownLimiter,
    });
  });
  afterAll(async () => {
    // Up again whatever happened, so the next case starts on a running server.
    await postgres.start();
    await api?.close();
    await ownLimiter?.close();
  });

  it("answers every kind of call 503 DB_UNAVAILABLE while it is down, and recovers", async () => {
    const email = uniqueEmail();
    const registered = await api.post("auth.register", { email, password: PASSWORD });
    expect(registered.status).toBe(200);
    const { access, refresh } = registered.body.result.data as { access: string; refresh: string };
    // Read once (so a cache that is on holds this session), then again from it.
    expect((await api.get("auth.me", undefined, bearer(access))).status).toBe(200);
    expect((await api.get("auth.me", undefined, bearer(access))).status).toBe(200);
    const cache = api.deps.sessionCache;
    expect(cache?.stats().trusted ?? false).toBe(sessionCacheSize > 0);
    if (cache) expect(cache.stats()).toMatchObject({ entries: 1, hits: 1 });

    await postgres.stop();
    // The listener's connection ended with the server: the cache stops being trusted, so a
    // cached session is not served across a gap in which a revocation may have gone unheard.
    if (cache) await until(() => !cache.stats().trusted, "the cache stops being trusted", 5000);

    const calls: [string, () => Promise<Reply>][] = [
      ["auth.login", () => api.post("auth.login", { email, password: PASSWORD })],
      ["auth.refresh", () => api.post("auth.refresh", { refresh })],
      ["auth.me", () => api.get("auth.me", undefined, bearer(access))],
      [
        "auth.register",
        () => api.post("auth.register", { email: uniqueEmail(), password: PASSWORD }),
      ],
      ["account.sessions", () => api.get("account.sessions", undefined, bearer(access))],
      ["account.logoutAll", () => api.post("account.logoutAll", undefined, bearer(access))],
      ["auth.logout", () => api.post("auth.logout", { refresh })],
    ];
    for (const [name, call] of calls) {
      const reply = await timed(call);
      expect({ name, status: reply.status, appCode: reply.body?.error?.data?.appCode }).toEqual({
        name,
        status: 503,
        appCode: "DB_UNAVAILABLE",
      });
      expect(reply.body.error.data.code).toBe("SERVICE_UNAVAILABLE");
      expect(reply.headers.get("retry-after")).toBe(String(DB_UNAVAILABLE_RETRY_SECONDS));
      expect(reply.ms).toBeLessThan(PROMPT_MS);
    }
    expect((await api.raw("/api/health")).status).toBe(503);
    // Nothing of the outage is reported as an unexpected error.
    expect(api.output()).not.toContain('"level":50');

    await postgres.start();
    await until(async () => (await api.raw("/api/health")).status === 200, "health answers 200");
    // Nothing was rotated or revoked by the calls that failed: the tokens from before still work.
    expect((await api.get("auth.me", undefined, bearer(access))).status).toBe(200);
    const refreshed = await api.post("auth.refresh", { refresh });
    expect(refreshed.status).toBe(200);
    expect((await api.post("auth.login", { email, password: PASSWORD })).status).toBe(200);
    // The listener reconnects by itself, and the cache is served from again.
    if (cache) await until(() => cache.stats().trusted, "the cache is trusted again");
  });
});
