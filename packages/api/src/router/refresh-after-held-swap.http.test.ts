// A refresh whose swap reaches the database only after the server gave up on it (a database
// process stopped and resumed, a network that delivers late once it heals): the client was told
// 503 and still holds its refresh token, so the late swap must not rotate the session behind its
// back. Before, it did, with the rotation dated when it was sent: past the grace window, the
// client's next refresh was reuse and the session was revoked, a sign-out by accident.
import { poolOf } from "@kit/db";
import { afterEach, describe, expect, it } from "vitest";
import { databaseThroughProxy } from "../../test/database-through-proxy";
import { startInProcessServer } from "../../test/in-process-server";
import { uniqueEmail } from "../../test/test-server";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("a refresh swap the database receives after the server gave up on it", () => {
  it("changes nothing: the client's token still refreshes, outside the grace window too", async () => {
    // The swap's connections go through the proxy (Prisma's reads do not).
    const { proxy, prisma: throughProxy } = await databaseThroughProxy(cleanups);
    const api = await startInProcessServer({
      pool: poolOf(throughProxy),
      refreshReuseGrace: 2,
    });
    cleanups.push(() => api.close());

    const signedUp = await api.post("auth.register", {
      email: uniqueEmail("held-swap"),
      password: "correct horse battery",
    });
    const first = await api.post("auth.refresh", { refresh: signedUp.body.result.data.refresh });
    expect(first.status).toBe(200);
    const t1: string = first.body.result.data.refresh;

    proxy.hold();
    const given = await api.post("auth.refresh", { refresh: t1 });
    expect(given.status).toBe(503);
    expect(given.body.error.data.appCode).toBe("DB_UNAVAILABLE");
    // Well past the grace window on the server's clock, then the held swap arrives and runs.
    await api.elapse(5);
    await proxy.release();

    const retried = await api.post("auth.refresh", { refresh: t1 });
    expect(retried.body.error?.data?.appCode).toBeUndefined();
    expect(retried.status).toBe(200);
    // One rotation from t1 took, the retry's: the held one left no event either.
    const sessionId = JSON.parse(Buffer.from(t1.split(".")[1] ?? "", "base64url").toString()).sid;
    expect(await api.db.authEvent.count({ where: { sessionId, type: "refreshed" } })).toBe(2);
  }, 30_000);
});
