// A refresh whose swap commits but whose answer never reaches the server (a commit that stalls
// past DATABASE_TIMEOUT, an answer lost on the way back): the client is told 503 and keeps the
// token it presented, while the session has moved on to one nobody received. Before, the
// client's retry past the grace window was reuse and revoked the session: a sign-out by
// accident. The server that gave up now marks the rotation unanswered once the database
// answers, and the token keeps working for that client (and only that client).
import { afterEach, describe, expect, it } from "vitest";
import { serverThroughProxy } from "../../test/database-through-proxy";
import { startTestServer, uniqueEmail } from "../../test/test-server";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());

describe("a refresh whose swap committed while its answer was lost", () => {
  it("leaves the presented token good for its client, past the grace window, until the next rotation", async () => {
    const { proxy, api } = await serverThroughProxy(cleanups, { refreshReuseGrace: 2 });

    const email = uniqueEmail("answer-lost");
    await api.post("auth.register", { email, password: "correct horse battery" });
    const login = async () =>
      (await api.post("auth.login", { email, password: "correct horse battery" })).body.result.data
        .refresh as string;
    /**
     * Refreshes `token` while the database's answers are lost, then lets them through; with
     * `awaitMark`, waits for the server's marker to have marked the session.
     */
    const refreshUnanswered = async (token: string, awaitMark: boolean) => {
      const { sid, jti } = claimsOf(token);
      // A connection the pool holds open: one opened while answers are lost never gets going.
      await login();
      proxy.loseAnswers();
      const given = await api.post("auth.refresh", { refresh: token });
      expect(given.status).toBe(503);
      expect(given.body.error.data.appCode).toBe("DB_UNAVAILABLE");
      // The swap did take: the session holds a token nobody received.
      const session = await api.db.session.findUniqueOrThrow({ where: { id: sid } });
      expect(session.refreshJti).not.toBe(jti);
      expect(session.previousJti).toBe(jti);
      // Well past the grace window, then the database answers again.
      await api.elapse(60);
      proxy.answerAgain();
      if (!awaitMark) return;
      await expect
        .poll(
          async () =>
            (await api.db.session.findUniqueOrThrow({ where: { id: sid } })).unansweredJti,
          { timeout: 20_000, interval: 200 },
        )
        .toBe(jti);
    };
    // Two sessions: one retried by its own client, one replayed by another.
    const mine = await login();
    const other = await login();
    await refreshUnanswered(other, true);
    // This one's retry comes at once, before the marker's next try (0.5 s or more): the server
    // marks it then, since it gave up on that very rotation.
    await refreshUnanswered(mine, false);

    // Its client's retry gets the pair the lost answer carried, and the chain goes on from it.
    const retried = await api.post("auth.refresh", { refresh: mine });
    expect(retried.body.error?.data?.appCode).toBeUndefined();
    expect(retried.status).toBe(200);
    const current = await api.db.session.findUniqueOrThrow({ where: { id: claimsOf(mine).sid } });
    expect(claimsOf(retried.body.result.data.refresh).jti).toBe(current.refreshJti);
    // Each mark is logged, the marker's and the one made for the retry alike.
    expect(api.output().split("never reached their clients")).toHaveLength(3);
    const next = await api.post("auth.refresh", { refresh: retried.body.result.data.refresh });
    expect(next.status).toBe(200);
    // That rotation was answered: the old token is an old token again.
    await api.elapse(60);
    const stale = await api.post("auth.refresh", { refresh: mine });
    expect(stale.body.error?.data?.appCode).toBe("TOKEN_REUSED");

    // Another client presenting the other session's token is a thief, not its client: reuse.
    const stolen = await api.post(
      "auth.refresh",
      { refresh: other },
      { "user-agent": "elsewhere" },
    );
    expect(stolen.body.error?.data?.appCode).toBe("TOKEN_REUSED");
  }, 40_000);

  it("does the same when the client went away before the answer (a proxy that gave up first)", async () => {
    // The server users run too: its request signal must say the client went away.
    const api = await startTestServer({ refreshReuseGrace: 2 });
    cleanups.push(() => api.close());
    const email = uniqueEmail("client-gone");
    const registered = await api.post("auth.register", {
      email,
      password: "correct horse battery",
    });
    const token: string = registered.body.result.data.refresh;
    const { sid, jti } = claimsOf(token);
    const session = () => api.db.session.findUniqueOrThrow({ where: { id: sid } });

    // An operator's transaction holds the session's row: the swap waits for it, longer than
    // the client (a proxy with a short read timeout) waits for the answer.
    const outcome = await api.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM sessions WHERE id = ${sid}::uuid FOR UPDATE`;
        const sent = api
          .raw("/api/trpc/auth.refresh", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ refresh: token }),
            signal: AbortSignal.timeout(300),
          })
          .then(
            () => "answered",
            () => "gave up",
          );
        const given = await sent;
        // The swap is still waiting for the row when the client is gone.
        await new Promise((resolve) => setTimeout(resolve, 200));
        return given;
      },
      { timeout: 10_000 },
    );
    expect(outcome).toBe("gave up");
    // The swap took once the row was free, and its answer went nowhere: marked.
    await expect.poll(async () => (await session()).unansweredJti, { timeout: 10_000 }).toBe(jti);
    expect((await session()).refreshJti).not.toBe(jti);

    await api.elapse(3);
    const retried = await api.post("auth.refresh", { refresh: token });
    expect(retried.body.error?.data?.appCode).toBeUndefined();
    expect(retried.status).toBe(200);
    expect(claimsOf(retried.body.result.data.refresh).jti).toBe((await session()).refreshJti);
  }, 30_000);
});
