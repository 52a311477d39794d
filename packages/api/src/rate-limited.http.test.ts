// rateLimit on an app's own procedures, over HTTP: 429 RATE_LIMITED with Retry-After before the
// procedure runs, per client or per signed-in user, and one count across instances on one store.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type InProcessServer, startInProcessServer } from "../test/in-process-server";
import { bearer, uniqueEmail } from "../test/test-server";
import { type AuthRateLimiter, createAuthRateLimiter } from "./rate-limit";
import { rateLimit } from "./rate-limited";
import { kitRouters } from "./root";
import { protectedProcedure, publicProcedure, router } from "./trpc";

// This run's names: a reused TEST_DATABASE_URL keeps the store's rows of earlier runs.
const run = randomUUID().slice(0, 8);
let ran = 0;
const appRouter = router({
  ...kitRouters,
  reports: router({
    ping: publicProcedure
      .use(rateLimit({ name: `ping-${run}`, points: 2, window: "1h" }))
      .query(() => "pong"),
    export: protectedProcedure
      .use(rateLimit({ name: `export-${run}`, points: 1, window: "10m", per: "user" }))
      .mutation(() => {
        ran += 1;
        return "started";
      }),
    // Per client, behind protectedProcedure: a caller refused there spends nothing.
    mine: protectedProcedure
      .use(rateLimit({ name: `mine-${run}`, points: 1, window: "1h" }))
      .query(({ ctx }) => ctx.user.id),
  }),
});

// Two instances of the app on one database, each with its own limiter on the PostgreSQL store,
// as two servers (or two workers) of one deployment run.
const limiters: AuthRateLimiter[] = [];
const storeLog: string[] = [];
let a: InProcessServer;
let b: InProcessServer;
beforeAll(async () => {
  const url = inject("databaseUrl");
  for (let i = 0; i < 2; i += 1) {
    limiters.push(
      createAuthRateLimiter({
        store: { kind: "postgres", url },
        log: (line) => storeLog.push(line),
      }),
    );
  }
  a = await startInProcessServer({ router: appRouter, trustProxy: 1, limiter: limiters[0] });
  b = await startInProcessServer({ router: appRouter, trustProxy: 1, limiter: limiters[1] });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await Promise.all(limiters.map((limiter) => limiter.close()));
  // Counted in PostgreSQL throughout: a run on the in-memory stand-in would prove nothing shared.
  expect(storeLog).toEqual([]);
});

const from = (ip: string) => ({ "x-forwarded-for": ip });

async function signIn(server: InProcessServer) {
  const email = uniqueEmail("limited");
  const reply = await server.post("auth.register", { email, password: "a long enough password" });
  expect(reply.status).toBe(200);
  return reply.body.result.data.access as string;
}

describe("rateLimit on an app's procedures", () => {
  it("refuses a client past its budget with 429 RATE_LIMITED and the window's wait", async () => {
    const client = from("198.51.100.21");
    expect((await a.get("reports.ping", undefined, client)).body.result.data).toBe("pong");
    expect((await a.get("reports.ping", undefined, client)).status).toBe(200);
    const refused = await a.get("reports.ping", undefined, client);
    expect(refused.status).toBe(429);
    expect(refused.body.error.data).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      appCode: "RATE_LIMITED",
    });
    // Not the login wording: an app's procedure is no sign-in attempt.
    expect(refused.body.error.message).toBe("Too many requests. Try again later.");
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(3500);
    expect(wait).toBeLessThanOrEqual(3600);
    // Another client is counted on its own.
    expect((await a.get("reports.ping", undefined, from("198.51.100.22"))).status).toBe(200);
  });

  it("counts the budget across instances on one store", async () => {
    const client = from("198.51.100.31");
    expect((await a.get("reports.ping", undefined, client)).status).toBe(200);
    expect((await b.get("reports.ping", undefined, client)).status).toBe(200);
    expect((await a.get("reports.ping", undefined, client)).status).toBe(429);
    expect((await b.get("reports.ping", undefined, client)).status).toBe(429);
  });

  it("counts a signed-in user wherever they call from, and does not run a refused call", async () => {
    const first = await signIn(a);
    const second = await signIn(a);
    const before = ran;
    const started = await a.post("reports.export", undefined, {
      ...bearer(first),
      ...from("198.51.100.41"),
    });
    expect(started.body.result.data).toBe("started");
    // From another address and another instance: the same user, the same budget.
    const refused = await b.post("reports.export", undefined, {
      ...bearer(first),
      ...from("198.51.100.42"),
    });
    expect(refused.status).toBe(429);
    expect(refused.body.error.data.appCode).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(600);
    expect(ran).toBe(before + 1);
    // Another user from the first one's address has a budget of their own.
    const other = await a.post("reports.export", undefined, {
      ...bearer(second),
      ...from("198.51.100.41"),
    });
    expect(other.status).toBe(200);
  });

  it("refuses a caller without a token before spending anything", async () => {
    const client = from("198.51.100.51");
    for (let i = 0; i < 3; i += 1) {
      const reply = await a.get("reports.mine", undefined, client);
      expect(reply.status).toBe(401);
      expect(reply.body.error.data.appCode).toBe("MISSING_TOKEN");
    }
    const access = await signIn(a);
    const mine = await a.get("reports.mine", undefined, { ...bearer(access), ...client });
    expect(mine.status).toBe(200);
    expect((await a.get("reports.mine", undefined, { ...bearer(access), ...client })).status).toBe(
      429,
    );
  });

  it("charges each call of a batch: of three at once on a budget of two, one is refused", async () => {
    const client = from("198.51.100.61");
    const reply = await a.raw("/api/trpc/reports.ping,reports.ping,reports.ping?batch=1", {
      headers: client,
    });
    expect(reply.status).toBe(207);
    const statuses = (
      reply.body as { result?: unknown; error?: { data: { appCode: string } } }[]
    ).map((call) => (call.error ? call.error.data.appCode : "ok"));
    // The calls run at once; which one is refused is the store's order.
    expect(statuses.sort()).toEqual(["RATE_LIMITED", "ok", "ok"]);
  });
});
