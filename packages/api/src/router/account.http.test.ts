// Session management, password change and the audit trail, over real HTTP on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, startTestServer, type TestServer, uniqueEmail } from "../../test/test-server";

const PASSWORD = "correct horse battery";
let api: TestServer;
beforeAll(async () => {
  api = await startTestServer();
});
afterAll(async () => {
  await api?.close();
});

type Pair = { access: string; refresh: string; user: { id: string; email: string } };

async function signUp(email = uniqueEmail()): Promise<Pair> {
  const reply = await api.post(
    "auth.register",
    { email, password: PASSWORD },
    { "user-agent": "Browser A" },
  );
  expect(reply.status).toBe(200);
  return reply.body.result.data;
}

async function signIn(email: string, password = PASSWORD, agent = "Browser B"): Promise<Pair> {
  const reply = await api.post("auth.login", { email, password }, { "user-agent": agent });
  expect(reply.status).toBe(200);
  return reply.body.result.data;
}

const sid = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")).sid as string;

describe("account.sessions", () => {
  it("lists live sessions only, marks the current one, and shows agent and address", async () => {
    const first = await signUp();
    const second = await signIn(first.user.email);
    const third = await signIn(first.user.email, PASSWORD, "Browser C");
    await api.post("auth.logout", { refresh: third.refresh });

    const reply = await api.get("account.sessions", undefined, bearer(second.access));
    expect(reply.status).toBe(200);
    const sessions = reply.body.result.data;
    expect(sessions.map((s: { id: string }) => s.id).sort()).toEqual(
      [sid(first.access), sid(second.access)].sort(),
    );
    const current = sessions.find((s: { current: boolean }) => s.current);
    expect(current).toMatchObject({
      id: sid(second.access),
      userAgent: "Browser B",
      ip: "127.0.0.1",
    });
    expect(Date.parse(current.createdAt)).not.toBeNaN();
    expect(Date.parse(current.lastUsedAt)).not.toBeNaN();
    expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
  });
});

describe("account.revokeSession", () => {
  it("ends one of my sessions at once; its tokens stop working", async () => {
    const mine = await signUp();
    const other = await signIn(mine.user.email);
    const reply = await api.post(
      "account.revokeSession",
      { id: sid(other.access) },
      bearer(mine.access),
    );
    expect(reply.body.result.data).toEqual({ ok: true });
    expect(
      (await api.get("auth.me", undefined, bearer(other.access))).body.error.data.appCode,
    ).toBe("TOKEN_REVOKED");
    expect(
      (await api.post("auth.refresh", { refresh: other.refresh })).body.error.data.appCode,
    ).toBe("TOKEN_REVOKED");
    expect((await api.get("auth.me", undefined, bearer(mine.access))).status).toBe(200);
  });

  it("answers NOT_FOUND for someone else's session, an unknown id, or one already ended", async () => {
    const mine = await signUp();
    const theirs = await signUp();
    for (const id of [sid(theirs.access), "00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const reply = await api.post("account.revokeSession", { id }, bearer(mine.access));
      expect(reply.status).toBe(404);
      expect(reply.body.error.data).toMatchObject({
        code: "NOT_FOUND",
        appCode: "SESSION_NOT_FOUND",
      });
    }
    // Their session is untouched.
    expect((await api.get("auth.me", undefined, bearer(theirs.access))).status).toBe(200);
    const extra = await signIn(mine.user.email);
    await api.post("auth.logout", { refresh: extra.refresh });
    expect(
      (await api.post("account.revokeSession", { id: sid(extra.access) }, bearer(mine.access)))
        .status,
    ).toBe(404);
  });

  it("needs a valid access token", async () => {
    const reply = await api.post("account.revokeSession", {
      id: "00000000-0000-4000-8000-000000000000",
    });
    expect(reply.body.error.data.appCode).toBe("MISSING_TOKEN");
  });
});

describe("account.logoutAll", () => {
  it("ends every session of the user, the current one included, and says how many", async () => {
    const a = await signUp();
    const b = await signIn(a.user.email);
    const c = await signIn(a.user.email);
    const stranger = await signUp();
    const reply = await api.post("account.logoutAll", {}, bearer(b.access));
    expect(reply.body.result.data).toEqual({ ok: true, revoked: 3 });
    for (const pair of [a, b, c]) {
      expect(
        (await api.get("auth.me", undefined, bearer(pair.access))).body.error.data.appCode,
      ).toBe("TOKEN_REVOKED");
    }
    expect((await api.get("auth.me", undefined, bearer(stranger.access))).status).toBe(200);
  });
});

describe("account.changePassword", () => {
  it("needs the current password, applies the policy, ends every session and opens a fresh one here", async () => {
    const current = await signUp();
    const other = await signIn(current.user.email);

    const wrong = await api.post(
      "account.changePassword",
      { currentPassword: "not it at all", newPassword: "a brand new secret" },
      bearer(current.access),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.data.appCode).toBe("INVALID_CREDENTIALS");
    const weak = await api.post(
      "account.changePassword",
      { currentPassword: PASSWORD, newPassword: "short" },
      bearer(current.access),
    );
    expect(weak.status).toBe(400);
    expect(weak.body.error.data.appCode).toBe("WEAK_PASSWORD");
    // Said first, whatever the current password: not a 401 now and the policy on a second try.
    const both = await api.post(
      "account.changePassword",
      { currentPassword: "not it at all", newPassword: "short" },
      bearer(current.access),
    );
    expect(both.body.error.data.appCode).toBe("WEAK_PASSWORD");
    const failures = await api.db.authEvent.count({
      where: { userId: current.user.id, type: "password_change_failed" },
    });
    expect(failures).toBe(1);
    // The account's own email, in another case: the first thing tried against this account.
    const guessable = await api.post(
      "account.changePassword",
      { currentPassword: PASSWORD, newPassword: current.user.email.toUpperCase() },
      bearer(current.access),
    );
    expect(guessable.body.error.data).toMatchObject({
      httpStatus: 400,
      appCode: "GUESSABLE_PASSWORD",
    });
    expect(guessable.body.error.message).toBe(
      "This password is too easy to guess: it is the account's email address.",
    );
    expect((await api.get("auth.me", undefined, bearer(other.access))).status).toBe(200);

    const ok = await api.post(
      "account.changePassword",
      { currentPassword: PASSWORD, newPassword: "a brand new secret" },
      bearer(current.access),
    );
    expect(ok.status).toBe(200);
    const fresh = ok.body.result.data;
    expect(fresh).toEqual({ ok: true, access: expect.any(String), refresh: expect.any(String) });
    // The old session is over for everyone, this device's old tokens included: a thief who
    // copied them is cut off. This device goes on with the fresh pair.
    for (const stale of [current, other]) {
      expect(
        (await api.get("auth.me", undefined, bearer(stale.access))).body.error.data.appCode,
      ).toBe("TOKEN_REVOKED");
      expect(
        (await api.post("auth.refresh", { refresh: stale.refresh })).body.error.data.appCode,
      ).toBe("TOKEN_REVOKED");
    }
    expect((await api.get("auth.me", undefined, bearer(fresh.access))).status).toBe(200);
    expect((await api.post("auth.refresh", { refresh: fresh.refresh })).status).toBe(200);
    expect(
      (await api.post("auth.login", { email: current.user.email, password: PASSWORD })).status,
    ).toBe(401);
    expect(
      (await api.post("auth.login", { email: current.user.email, password: "a brand new secret" }))
        .status,
    ).toBe(200);
  });

  it("refuses the current password as the new one: nothing changes, no session ends", async () => {
    const current = await signUp();
    const other = await signIn(current.user.email);
    const same = await api.post(
      "account.changePassword",
      { currentPassword: PASSWORD, newPassword: PASSWORD },
      bearer(current.access),
    );
    expect(same.status).toBe(400);
    expect(same.body.error.data.appCode).toBe("PASSWORD_UNCHANGED");
    expect(same.body.error.message).toBe("The new password must differ from the current one.");
    // Said before the current password is checked: no failed attempt is counted or recorded.
    const failures = await api.db.authEvent.count({
      where: { userId: current.user.id, type: "password_change_failed" },
    });
    expect(failures).toBe(0);
    for (const pair of [current, other]) {
      expect((await api.get("auth.me", undefined, bearer(pair.access))).status).toBe(200);
    }
  });
});

describe("account.events", () => {
  it("lists my own events newest first, in pages, with no token or password in them", async () => {
    const me = await signUp();
    await api.post("auth.login", { email: me.user.email, password: "wrong password!" });
    const second = await signIn(me.user.email);
    const rotated = (await api.post("auth.refresh", { refresh: second.refresh })).body.result.data;
    await api.post("account.revokeSession", { id: sid(second.access) }, bearer(me.access));
    const stranger = await signUp();
    await api.post("auth.logout", { refresh: stranger.refresh });

    const page1 = await api.get("account.events", { limit: 3 }, bearer(me.access));
    expect(page1.status).toBe(200);
    const first = page1.body.result.data;
    expect(first.items.map((e: { type: string }) => e.type)).toEqual([
      "session_revoked",
      "refreshed",
      "login_succeeded",
    ]);
    expect(first.nextCursor).toEqual(first.items[2].id);
    const page2 = (
      await api.get("account.events", { limit: 3, cursor: first.nextCursor }, bearer(me.access))
    ).body.result.data;
    expect(page2.items.map((e: { type: string }) => e.type)).toEqual([
      "login_failed",
      "registered",
    ]);
    expect(page2.nextCursor).toBeNull();
    expect(first.items[1]).toMatchObject({ sessionId: sid(second.access), ip: "127.0.0.1" });

    const rows = await api.db.authEvent.findMany({
      where: { userId: { in: [me.user.id, stranger.user.id] } },
    });
    const stored = JSON.stringify(rows, (_key, value) =>
      typeof value === "bigint" ? value.toString() : value,
    );
    for (const secret of [
      me.access,
      me.refresh,
      second.refresh,
      rotated.refresh,
      PASSWORD,
      "wrong password!",
    ]) {
      expect(stored).not.toContain(secret);
    }
    expect(rows.some((row) => row.userId === stranger.user.id && row.type === "logged_out")).toBe(
      true,
    );
  });

  it("refuses a malformed cursor or limit with 400", async () => {
    const me = await signUp();
    // Nineteen digits past the largest id PostgreSQL's bigint holds: bad input, not a 500.
    const past = ["9223372036854775808", "9999999999999999999"];
    const inputs = [{ cursor: "abc" }, ...past.map((cursor) => ({ cursor })), { limit: 0 }];
    for (const input of [...inputs, { limit: 101 }]) {
      const reply = await api.get("account.events", input, bearer(me.access));
      expect(reply.status).toBe(400);
      expect(reply.body.error.data.appCode).toBe("VALIDATION");
    }
    // The largest it holds is a cursor like any other: every event is below it.
    const largest = await api.get(
      "account.events",
      { cursor: "9223372036854775807" },
      bearer(me.access),
    );
    expect(largest.status).toBe(200);
    const first = await api.get("account.events", undefined, bearer(me.access));
    expect(largest.body.result.data).toEqual(first.body.result.data);
  });
});
