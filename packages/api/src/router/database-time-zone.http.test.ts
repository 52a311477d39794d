// A database whose time zone is not UTC (an embedded server's initdb takes the host's zone; a
// managed one may be set to the operators'): every time the kit reads back must still be the
// instant it wrote. Prisma's pg adapter reads a timestamptz by relabelling its offset as +00:00,
// so a session in another zone shifted each read by that offset: in New York the grace window
// never applied (a second tab's refresh was TOKEN_REUSED), in Tokyo it lasted hours.
import { describe, expect, it } from "vitest";
import { bearer, serversPerTest, type TestServer, uniqueEmail } from "../../test/test-server";

const PASSWORD = "correct horse battery";
const serverWith = serversPerTest();
const SHORT_GRACE = 2;

/** A server whose connections open in `zone` (the database's default, set by its owner). */
async function serverInZone(zone: string, refreshReuseGrace?: number): Promise<TestServer> {
  const first = await serverWith({ ownDatabase: true });
  const database = new URL(first.databaseUrl).pathname.slice(1);
  await first.db.$executeRawUnsafe(
    `ALTER DATABASE "${database.replaceAll('"', '""')}" SET "TimeZone" TO '${zone}'`,
  );
  return serverWith({
    databaseOf: first,
    ...(refreshReuseGrace === undefined ? {} : { refreshReuseGrace }),
  });
}

async function signUp(api: TestServer) {
  const reply = await api.post("auth.register", { email: uniqueEmail(), password: PASSWORD });
  expect(reply.status).toBe(200);
  return reply.body.result.data as { access: string; refresh: string };
}

describe("a database whose time zone is not UTC", () => {
  it("west of UTC: a replay inside the grace window is honoured, and times read are the instants written", async () => {
    const api = await serverInZone("America/New_York");
    // The database's own default: a connection that does not set its zone opens in it.
    const defaults = await api.db.$queryRaw<{ setting: string }[]>`
      SELECT unnest(setconfig) AS setting FROM pg_db_role_setting
       WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())`;
    expect(defaults.map((row) => row.setting)).toContain("TimeZone=America/New_York");
    const { refresh: t0 } = await signUp(api);
    const first = await api.post("auth.refresh", { refresh: t0 });
    expect(first.status).toBe(200);
    const { access, refresh: t1 } = first.body.result.data;
    // A second tab with the token just rotated out, at once: inside the window.
    const again = await api.post("auth.refresh", { refresh: t0 });
    expect({ status: again.status, appCode: again.body?.error?.data?.appCode }).toEqual({
      status: 200,
      appCode: undefined,
    });
    expect(again.body.result.data.refresh).toBe(t1);
    // The session list's times are now, not hours off.
    const sessions = await api.get("account.sessions", undefined, bearer(access));
    expect(sessions.status).toBe(200);
    for (const session of sessions.body.result.data as {
      createdAt: string;
      lastUsedAt: string;
    }[]) {
      for (const at of [session.createdAt, session.lastUsedAt]) {
        expect(Math.abs(Date.parse(at) - api.now())).toBeLessThan(60_000);
      }
    }
  });

  it("east of UTC: a replay past the grace window is reuse", async () => {
    const api = await serverInZone("Asia/Tokyo", SHORT_GRACE);
    const { refresh: t0 } = await signUp(api);
    expect((await api.post("auth.refresh", { refresh: t0 })).status).toBe(200);
    await api.elapse(SHORT_GRACE + 2);
    const late = await api.post("auth.refresh", { refresh: t0 });
    expect({ status: late.status, appCode: late.body?.error?.data?.appCode }).toEqual({
      status: 401,
      appCode: "TOKEN_REUSED",
    });
  });
});
