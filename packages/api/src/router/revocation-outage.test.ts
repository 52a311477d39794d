// A revocation and its audit event commit together or not at all. Before, the session was ended
// in one statement and the event written in another: when the second met an outage (here, the
// events table locked past DATABASE_TIMEOUT) the client was told 503 while its session was
// already over, and the retry, finding nothing to end, wrote no event: the trail never said who
// ended it (database tester, MEDIUM).
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { type InProcessServer, startInProcessServer } from "../../test/in-process-server";
import { bearer, uniqueEmail } from "../../test/test-server";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Holds a lock that keeps every insert into auth_events waiting until `release()`. */
async function lockEvents(api: InProcessServer) {
  const holder = new pg.Client({ connectionString: api.databaseUrl });
  await holder.connect();
  await holder.query("BEGIN");
  await holder.query("LOCK TABLE auth_events IN EXCLUSIVE MODE");
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await holder.query("ROLLBACK");
    await holder.end();
  };
  cleanups.push(release);
  return release;
}

describe("a revocation whose event cannot be written", () => {
  it("ends nothing and answers 503; the retry ends the session and records it", {
    timeout: 60_000,
  }, async () => {
    const api = await startInProcessServer();
    cleanups.push(() => api.close());
    const signedUp = await api.post("auth.register", {
      email: uniqueEmail("outage"),
      password: "correct horse battery",
    });
    const { refresh, access, user } = signedUp.body.result.data;
    const sessionOf = () => api.db.session.findFirstOrThrow({ where: { userId: user.id } });

    const release = await lockEvents(api);
    const refused = await api.post("auth.logout", { refresh });
    expect(refused.status).toBe(503);
    expect(refused.body.error.data.appCode).toBe("DB_UNAVAILABLE");
    // Nothing happened: the session still works, as a 503 promises.
    expect((await sessionOf()).revokedAt).toBeNull();
    await release();
    expect((await api.get("auth.me", undefined, bearer(access))).status).toBe(200);

    expect((await api.post("auth.logout", { refresh })).status).toBe(200);
    expect((await sessionOf()).revokedAt).not.toBeNull();
    const events = await api.db.authEvent.findMany({
      where: { userId: user.id, type: "logged_out" },
    });
    expect(events).toHaveLength(1);
  });
});
