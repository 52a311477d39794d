// The admin router over real HTTP on a real PostgreSQL: who may call it (decided by the live user
// row), each procedure's answer and refusals, and that its revocations count at once.

import { createPrismaClient } from "@kit/db";
import { freePort } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { startInProcessServer } from "../../test/in-process-server";
import { bearer, startTestServer, type TestServer, uniqueEmail } from "../../test/test-server";
import { createAuthRateLimiter } from "../rate-limit";

const PASSWORD = "correct horse battery";
const NOBODY = "00000000-0000-4000-8000-000000000000";
let api: TestServer;
beforeAll(async () => {
  api = await startTestServer();
});
afterAll(async () => {
  await api?.close();
});

type Pair = { access: string; refresh: string; user: { id: string; email: string } };

async function signUp(email = uniqueEmail("admin-test")): Promise<Pair> {
  const reply = await api.post("auth.register", { email, password: PASSWORD });
  expect(reply.status).toBe(200);
  return reply.body.result.data;
}

async function signIn(email: string, agent = "Browser B"): Promise<Pair> {
  const reply = await api.post(
    "auth.login",
    { email, password: PASSWORD },
    { "user-agent": agent },
  );
  expect(reply.status).toBe(200);
  return reply.body.result.data;
}

/** A signed-in admin: registered, then promoted with SQL as an operator would. */
async function signUpAdmin(): Promise<Pair> {
  const pair = await signUp(uniqueEmail("admin"));
  await api.db.$executeRaw`UPDATE users SET role = 'admin' WHERE id = ${pair.user.id}::uuid`;
  return pair;
}

const sid = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")).sid as string;

const appCode = (reply: { body: { error?: { data?: { appCode?: string } } } }) =>
  reply.body.error?.data?.appCode;

describe("who may call the admin router", () => {
  it("refuses a signed-in non-admin with 403 ADMIN_REQUIRED on every procedure", async () => {
    const user = await signUp();
    const calls = [
      api.get("admin.users", undefined, bearer(user.access)),
      api.get("admin.sessions", { userId: user.user.id }, bearer(user.access)),
      api.get("admin.events", undefined, bearer(user.access)),
      api.post("admin.deactivateUser", { userId: user.user.id }, bearer(user.access)),
      api.post("admin.reactivateUser", { userId: user.user.id }, bearer(user.access)),
      api.post("admin.revokeSession", { sessionId: sid(user.access) }, bearer(user.access)),
      api.post("admin.revokeSessions", { userId: user.user.id }, bearer(user.access)),
      api.post("admin.unlockUser", { userId: user.user.id }, bearer(user.access)),
    ];
    for (const reply of await Promise.all(calls)) {
      expect(reply.status).toBe(403);
      expect(reply.body.error.data).toMatchObject({ code: "FORBIDDEN", appCode: "ADMIN_REQUIRED" });
    }
    // Nothing was done on their behalf.
    expect((await api.get("auth.me", undefined, bearer(user.access))).status).toBe(200);
  });

  it("refuses a call without a token, or with a bad one, with 401", async () => {
    const none = await api.get("admin.users");
    expect(none.status).toBe(401);
    expect(appCode(none)).toBe("MISSING_TOKEN");
    const bad = await api.get("admin.users", undefined, bearer("abc.def.ghi"));
    expect(bad.status).toBe(401);
    expect(appCode(bad)).toBe("INVALID_TOKEN");
  });

  it("a demoted admin loses access at the next call, though their token still says nothing else", async () => {
    const admin = await signUpAdmin();
    // Twice: the second call's session comes from the server's session cache.
    expect((await api.get("admin.users", undefined, bearer(admin.access))).status).toBe(200);
    expect((await api.get("admin.users", undefined, bearer(admin.access))).status).toBe(200);
    await api.db.$executeRaw`UPDATE users SET role = 'user' WHERE id = ${admin.user.id}::uuid`;
    const after = await api.get("admin.users", undefined, bearer(admin.access));
    expect(after.status).toBe(403);
    expect(appCode(after)).toBe("ADMIN_REQUIRED");
  });

  it("a deactivated admin is refused at the next call", async () => {
    const admin = await signUpAdmin();
    expect((await api.get("admin.users", undefined, bearer(admin.access))).status).toBe(200);
    await api.db.$executeRaw`UPDATE users SET is_active = false WHERE id = ${admin.user.id}::uuid`;
    const after = await api.get("admin.users", undefined, bearer(admin.access));
    expect(after.status).toBe(401);
    expect(appCode(after)).toBe("USER_NOT_FOUND");
  });

  it("auth.me answers the role, and a role changed by SQL reaches the session cache", async () => {
    const user = await signUp();
    const me = () => api.get("auth.me", undefined, bearer(user.access));
    expect((await me()).body.result.data.role).toBe("user");
    expect((await me()).body.result.data.role).toBe("user");
    await api.db.$executeRaw`UPDATE users SET role = 'admin' WHERE id = ${user.user.id}::uuid`;
    // The users trigger's notification drops the cached row; without it the cache would answer
    // "user" for minutes. It normally arrives in milliseconds; the wait is generous for a loaded
    // machine (a listener cut earlier may still be reconnecting), and costs nothing when it comes.
    await vi.waitFor(async () => expect((await me()).body.result.data.role).toBe("admin"), {
      timeout: 30_000,
      interval: 50,
    });
  });
});

describe("admin.users", () => {
  it("lists accounts newest first in pages, with role and status, and searches by email", async () => {
    const admin = await signUpAdmin();
    const tag = `find-${Date.now()}`;
    const made: Pair[] = [];
    for (let i = 0; i < 3; i += 1) made.push(await signUp(uniqueEmail(tag)));

    const first = await api.get("admin.users", { email: tag, limit: 2 }, bearer(admin.access));
    expect(first.status).toBe(200);
    const page1 = first.body.result.data;
    expect(page1.items.map((u: { id: string }) => u.id)).toEqual([
      made[2]?.user.id,
      made[1]?.user.id,
    ]);
    expect(page1.items[0]).toEqual({
      id: made[2]?.user.id,
      email: made[2]?.user.email,
      name: null,
      role: "user",
      isActive: true,
      createdAt: expect.any(String),
    });
    expect(page1.nextCursor).toMatch(new RegExp(`_${made[1]?.user.id}$`));

    const second = await api.get(
      "admin.users",
      { email: tag.toUpperCase(), limit: 2, cursor: page1.nextCursor },
      bearer(admin.access),
    );
    expect(second.body.result.data).toEqual({
      items: [expect.objectContaining({ id: made[0]?.user.id })],
      nextCursor: null,
    });

    const everyone = await api.get("admin.users", { limit: 100 }, bearer(admin.access));
    expect(everyone.body.result.data.items.length).toBeGreaterThanOrEqual(4);
  });

  it("goes on past a page's last account when that account is gone before the next page", async () => {
    const admin = await signUpAdmin();
    const tag = `gone-${Date.now()}`;
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push(await signUp(uniqueEmail(tag)));
    const page = async (cursor: string | null) =>
      (await api.get("admin.users", { email: tag, limit: 1, cursor }, bearer(admin.access))).body
        .result.data as { items: { id: string }[]; nextCursor: string | null };
    const first = await page(null);
    expect(first.items.map((user) => user.id)).toEqual([made[2]?.user.id]);
    // An operator deletes the account the cursor ends on.
    await api.db.user.delete({ where: { id: made[2]?.user.id } });
    const second = await page(first.nextCursor);
    expect(second.items.map((user) => user.id)).toEqual([made[1]?.user.id]);
    const third = await page(second.nextCursor);
    expect(third).toEqual({
      items: [expect.objectContaining({ id: made[0]?.user.id })],
      nextCursor: null,
    });
  });

  it("searches for the characters typed: % and _ are not wildcards", async () => {
    const admin = await signUpAdmin();
    const tag = `x_y-${Date.now()}`;
    const underscore = await signUp(uniqueEmail(tag));
    await signUp(uniqueEmail(tag.replace("_", "z")));
    const ids = async (email: string) =>
      (
        await api.get("admin.users", { email, limit: 100 }, bearer(admin.access))
      ).body.result.data.items.map((user: { id: string }) => user.id);
    expect(await ids(tag)).toEqual([underscore.user.id]);
    expect(await ids(`${tag.slice(0, 2)}%${tag.slice(3)}`)).toEqual([]);
    expect(await ids("%")).toEqual([]);
  });

  it("answers bad input with 400 VALIDATION", async () => {
    const admin = await signUpAdmin();
    for (const input of [
      { limit: 0 },
      { limit: 101 },
      { cursor: "not-a-uuid" },
      // An id alone (what a cursor was before it held the time too), or a time PostgreSQL refuses.
      { cursor: "4b1f6a52-8c43-4c8e-9a43-3f1f0d0e2a11" },
      { cursor: "0000-01-01T00:00:00.000Z_4b1f6a52-8c43-4c8e-9a43-3f1f0d0e2a11" },
      { cursor: "2026-13-01T00:00:00.000Z_4b1f6a52-8c43-4c8e-9a43-3f1f0d0e2a11" },
      // A day that does not exist: Date would read it as 2 March.
      { cursor: "2026-02-30T00:00:00.000Z_4b1f6a52-8c43-4c8e-9a43-3f1f0d0e2a11" },
      { email: "a\u0000" },
    ]) {
      const reply = await api.get("admin.users", input, bearer(admin.access));
      expect(reply.status).toBe(400);
      expect(appCode(reply)).toBe("VALIDATION");
      // One issue for one wrong field, said once.
      expect(reply.body.error.data.issues, JSON.stringify(input)).toHaveLength(1);
    }
  });
});

describe("admin.deactivateUser / admin.reactivateUser", () => {
  it("ends the user's access at once and refuses their sign-in, until reactivated", async () => {
    const admin = await signUpAdmin();
    const target = await signUp();
    const other = await signIn(target.user.email);
    // Cached on this server before the deactivation.
    expect((await api.get("auth.me", undefined, bearer(target.access))).status).toBe(200);
    expect((await api.get("auth.me", undefined, bearer(target.access))).status).toBe(200);

    const off = await api.post(
      "admin.deactivateUser",
      { userId: target.user.id },
      bearer(admin.access),
    );
    expect(off.status).toBe(200);
    expect(off.body.result.data).toEqual({ changed: true, revokedSessions: 2 });
    for (const pair of [target, other]) {
      const me = await api.get("auth.me", undefined, bearer(pair.access));
      expect(me.status).toBe(401);
      expect(appCode(me)).toBe("USER_NOT_FOUND");
      expect((await api.post("auth.refresh", { refresh: pair.refresh })).status).toBe(401);
    }
    const login = await api.post("auth.login", { email: target.user.email, password: PASSWORD });
    expect(login.status).toBe(401);
    expect(appCode(login)).toBe("INVALID_CREDENTIALS");

    const sessions = await api.db.session.findMany({ where: { userId: target.user.id } });
    expect(sessions.map((session) => session.revokedReason)).toEqual([
      "deactivated",
      "deactivated",
    ]);
    const event = await api.db.authEvent.findFirstOrThrow({
      where: { userId: target.user.id, type: "admin_deactivated_user" },
    });
    expect(event.actorId).toBe(admin.user.id);

    const again = await api.post(
      "admin.deactivateUser",
      { userId: target.user.id },
      bearer(admin.access),
    );
    expect(again.body.result.data).toEqual({ changed: false, revokedSessions: 0 });

    const on = await api.post(
      "admin.reactivateUser",
      { userId: target.user.id },
      bearer(admin.access),
    );
    expect(on.body.result.data).toEqual({ changed: true });
    expect(
      await api.db.authEvent.count({
        where: { userId: target.user.id, type: "admin_reactivated_user", actorId: admin.user.id },
      }),
    ).toBe(1);
    expect(
      (await api.post("auth.login", { email: target.user.email, password: PASSWORD })).status,
    ).toBe(200);
    // The sessions ended by the deactivation stay ended.
    expect((await api.get("auth.me", undefined, bearer(target.access))).status).toBe(401);
  });

  it("refuses an admin deactivating themself, an unknown account and bad input", async () => {
    const admin = await signUpAdmin();
    // Their own id however it is spelt: a UUID's letters may come in either case.
    for (const userId of [admin.user.id, admin.user.id.toUpperCase()]) {
      const self = await api.post("admin.deactivateUser", { userId }, bearer(admin.access));
      expect(self.status).toBe(409);
      expect(appCode(self)).toBe("SELF_DEACTIVATION");
    }
    expect((await api.get("auth.me", undefined, bearer(admin.access))).status).toBe(200);

    for (const path of ["admin.deactivateUser", "admin.reactivateUser"]) {
      const unknown = await api.post(path, { userId: NOBODY }, bearer(admin.access));
      expect(unknown.status).toBe(404);
      expect(appCode(unknown)).toBe("ACCOUNT_NOT_FOUND");
      for (const input of [{ userId: "not-a-uuid" }, {}, { userId: 42 }]) {
        const bad = await api.post(path, input, bearer(admin.access));
        expect(bad.status).toBe(400);
        expect(appCode(bad)).toBe("VALIDATION");
      }
    }
  });
});

describe("admin.sessions, admin.revokeSession, admin.revokeSessions", () => {
  it("lists a user's live sessions and revokes one; its token is refused at once", async () => {
    const admin = await signUpAdmin();
    const target = await signUp();
    const other = await signIn(target.user.email, "Browser C");
    expect((await api.get("auth.me", undefined, bearer(other.access))).status).toBe(200);

    const list = await api.get("admin.sessions", { userId: target.user.id }, bearer(admin.access));
    expect(list.status).toBe(200);
    const sessions = list.body.result.data;
    expect(sessions.map((s: { id: string }) => s.id).sort()).toEqual(
      [sid(target.access), sid(other.access)].sort(),
    );
    expect(sessions.find((s: { id: string }) => s.id === sid(other.access))).toMatchObject({
      userAgent: "Browser C",
      ip: "127.0.0.1",
      current: false,
    });

    const revoke = await api.post(
      "admin.revokeSession",
      { sessionId: sid(other.access) },
      bearer(admin.access),
    );
    expect(revoke.body.result.data).toEqual({ ok: true });
    const me = await api.get("auth.me", undefined, bearer(other.access));
    expect(appCode(me)).toBe("TOKEN_REVOKED");
    expect((await api.get("auth.me", undefined, bearer(target.access))).status).toBe(200);
    const event = await api.db.authEvent.findFirstOrThrow({
      where: { type: "admin_revoked_session", sessionId: sid(other.access) },
    });
    expect({ userId: event.userId, actorId: event.actorId }).toEqual({
      userId: target.user.id,
      actorId: admin.user.id,
    });

    // Already ended, or never existed.
    for (const sessionId of [sid(other.access), NOBODY]) {
      const reply = await api.post("admin.revokeSession", { sessionId }, bearer(admin.access));
      expect(reply.status).toBe(404);
      expect(appCode(reply)).toBe("SESSION_NOT_FOUND");
    }
  });

  it("marks the admin's own session when they list their own account's", async () => {
    const admin = await signUpAdmin();
    const elsewhere = await signIn(admin.user.email, "Browser D");
    const list = await api.get("admin.sessions", { userId: admin.user.id }, bearer(admin.access));
    const current = Object.fromEntries(
      list.body.result.data.map((s: { id: string; current: boolean }) => [s.id, s.current]),
    );
    expect(current).toEqual({ [sid(admin.access)]: true, [sid(elsewhere.access)]: false });
  });

  it("revokes every session of a user at once", async () => {
    const admin = await signUpAdmin();
    const target = await signUp();
    const other = await signIn(target.user.email);
    const reply = await api.post(
      "admin.revokeSessions",
      { userId: target.user.id },
      bearer(admin.access),
    );
    expect(reply.body.result.data).toEqual({ ok: true, revoked: 2 });
    for (const pair of [target, other]) {
      expect(appCode(await api.get("auth.me", undefined, bearer(pair.access)))).toBe(
        "TOKEN_REVOKED",
      );
    }
    const list = await api.get("admin.sessions", { userId: target.user.id }, bearer(admin.access));
    expect(list.body.result.data).toEqual([]);
    const recorded = () =>
      api.db.authEvent.count({
        where: { userId: target.user.id, type: "admin_revoked_sessions", actorId: admin.user.id },
      });
    expect(await recorded()).toBe(1);
    // Again (a double submit, a second admin): nothing left to end, and nothing on the trail.
    const again = await api.post(
      "admin.revokeSessions",
      { userId: target.user.id },
      bearer(admin.access),
    );
    expect(again.body.result.data).toEqual({ ok: true, revoked: 0 });
    expect(await recorded()).toBe(1);
  });

  it("answers an unknown account with 404 and bad input with 400", async () => {
    const admin = await signUpAdmin();
    const unknownList = await api.get("admin.sessions", { userId: NOBODY }, bearer(admin.access));
    expect(unknownList.status).toBe(404);
    expect(appCode(unknownList)).toBe("ACCOUNT_NOT_FOUND");
    const unknownRevoke = await api.post(
      "admin.revokeSessions",
      { userId: NOBODY },
      bearer(admin.access),
    );
    expect(unknownRevoke.status).toBe(404);
    expect(appCode(unknownRevoke)).toBe("ACCOUNT_NOT_FOUND");
    const bad = [
      api.get("admin.sessions", { userId: "x" }, bearer(admin.access)),
      api.post("admin.revokeSession", { sessionId: "not-a-uuid" }, bearer(admin.access)),
      api.post("admin.revokeSession", {}, bearer(admin.access)),
      api.post("admin.revokeSessions", { userId: null }, bearer(admin.access)),
    ];
    for (const reply of await Promise.all(bad)) {
      expect(reply.status).toBe(400);
      expect(appCode(reply)).toBe("VALIDATION");
    }
  });
});

describe("admin.unlockUser", () => {
  it("lets an account locked by failed logins sign in again at once, and says how much it cleared", async () => {
    const server = await startTestServer({ rateLimits: { loginBurstFailures: 2 } });
    try {
      const register = async (prefix: string) => {
        const reply = await server.post("auth.register", {
          email: uniqueEmail(prefix),
          password: PASSWORD,
        });
        expect(reply.status).toBe(200);
        return reply.body.result.data as Pair;
      };
      const admin = await register("admin");
      await server.db
        .$executeRaw`UPDATE users SET role = 'admin' WHERE id = ${admin.user.id}::uuid`;
      const [locked, other] = [await register("locked"), await register("other")];
      for (const { email } of [locked.user, locked.user, other.user, other.user]) {
        const wrong = await server.post("auth.login", { email, password: "not the password" });
        expect(wrong.status).toBe(401);
      }
      const login = (email: string) => server.post("auth.login", { email, password: PASSWORD });
      expect((await login(locked.user.email)).status).toBe(429);

      const unlock = await server.post(
        "admin.unlockUser",
        { userId: locked.user.id },
        { ...bearer(admin.access), "user-agent": "the-admins-browser/1.0" },
      );
      expect(unlock.status).toBe(200);
      expect(unlock.body.result.data.cleared).toBeGreaterThan(0);
      const unlocked = await login(locked.user.email);
      expect(unlocked.status).toBe(200);
      // The user sees the unlock in their activity, but not the admin's address or browser.
      const own = await server.get(
        "account.events",
        { limit: 5 },
        bearer((unlocked.body.result.data as Pair).access),
      );
      const items = own.body.result.data.items as { type: string; userAgent: string | null }[];
      expect(items.find((item) => item.type === "admin_unlocked_user")).toMatchObject({
        ip: null,
        userAgent: null,
      });
      expect(items.find((item) => item.type === "login_succeeded")?.userAgent).not.toBeNull();
      const recorded = await server.db.authEvent.findFirst({
        where: { userId: locked.user.id, type: "admin_unlocked_user" },
      });
      expect(recorded?.userAgent).toBe("the-admins-browser/1.0");
      // Only that account.
      expect((await login(other.user.email)).status).toBe(429);
      const events = await server.db.authEvent.findMany({
        where: { userId: locked.user.id, type: "admin_unlocked_user" },
      });
      expect(events.map((event) => event.actorId)).toEqual([admin.user.id]);

      const nobody = await server.post(
        "admin.unlockUser",
        { userId: NOBODY },
        bearer(admin.access),
      );
      expect([nobody.status, appCode(nobody)]).toEqual([404, "ACCOUNT_NOT_FOUND"]);
      const bad = await server.post("admin.unlockUser", { userId: "x" }, bearer(admin.access));
      expect([bad.status, appCode(bad)]).toEqual([400, "VALIDATION"]);
    } finally {
      await server.close();
    }
  });
});

describe("admin.unlockUser with the limiter's store down", () => {
  it("answers 503 LIMITER_UNAVAILABLE with Retry-After, not a 500, and records nothing", async () => {
    // A Redis store nobody listens for: the server counts in memory meanwhile, but clearing
    // needs the store itself.
    const limiter = createAuthRateLimiter({
      store: { kind: "redis", url: `redis://127.0.0.1:${await freePort()}` },
      log: () => {},
    });
    const server = await startInProcessServer({ limiter });
    try {
      const reply = await server.post("auth.register", {
        email: uniqueEmail("admin"),
        password: PASSWORD,
      });
      const admin = reply.body.result.data as Pair;
      await server.db
        .$executeRaw`UPDATE users SET role = 'admin' WHERE id = ${admin.user.id}::uuid`;
      const unlock = await server.post(
        "admin.unlockUser",
        { userId: admin.user.id },
        bearer(admin.access),
      );
      expect([unlock.status, appCode(unlock)]).toEqual([503, "LIMITER_UNAVAILABLE"]);
      expect(unlock.headers.get("retry-after")).toBe("5");
      expect(server.output()).not.toMatch(/"level":50/);
      const events = await server.db.authEvent.count({
        where: { userId: admin.user.id, type: "admin_unlocked_user" },
      });
      expect(events).toBe(0);
    } finally {
      await server.close();
      await limiter.close();
    }
  });
});

describe("admin.unlockUser while the audit trail cannot be written", () => {
  it("answers 503 and leaves the account locked: no unlock without its row", async () => {
    // DATABASE_TIMEOUT at its shortest (1 s), so the blocked write gives up quickly.
    const prisma = createPrismaClient(inject("databaseUrl"), { timeoutMs: 1000 });
    const server = await startInProcessServer({ prisma, rateLimits: { loginBurstFailures: 2 } });
    try {
      const register = async (prefix: string) =>
        (await server.post("auth.register", { email: uniqueEmail(prefix), password: PASSWORD }))
          .body.result.data as Pair;
      const admin = await register("admin");
      await server.db
        .$executeRaw`UPDATE users SET role = 'admin' WHERE id = ${admin.user.id}::uuid`;
      const locked = await register("locked");
      for (const _ of [1, 2]) {
        await server.post("auth.login", { email: locked.user.email, password: "not the password" });
      }
      const login = () =>
        server.post("auth.login", { email: locked.user.email, password: PASSWORD });
      expect((await login()).status).toBe(429);

      // An operator's transaction holds the trail (a long report, a backup's lock).
      const unlock = await server.db.$transaction(
        async (tx) => {
          await tx.$executeRaw`LOCK TABLE auth_events IN SHARE MODE`;
          return server.post("admin.unlockUser", { userId: locked.user.id }, bearer(admin.access));
        },
        { timeout: 20_000 },
      );
      expect([unlock.status, appCode(unlock)]).toEqual([503, "DB_UNAVAILABLE"]);
      expect((await login()).status).toBe(429);

      const again = await server.post(
        "admin.unlockUser",
        { userId: locked.user.id },
        bearer(admin.access),
      );
      expect(again.status).toBe(200);
      expect((await login()).status).toBe(200);
      expect(
        await server.db.authEvent.count({
          where: { userId: locked.user.id, type: "admin_unlocked_user" },
        }),
      ).toBe(1);
    } finally {
      await server.close();
      await prisma.$disconnect();
    }
  }, 30_000);
});

describe("admin.events", () => {
  it("pages across users, filtered by user, type and time range", async () => {
    const admin = await signUpAdmin();
    const target = await signUp();
    await signIn(target.user.email);
    await signIn(target.user.email);
    await api.post("admin.revokeSessions", { userId: target.user.id }, bearer(admin.access));
    const events = (input: unknown) => api.get("admin.events", input, bearer(admin.access));

    const all = await events({ userId: target.user.id, limit: 100 });
    expect(all.status).toBe(200);
    const types = all.body.result.data.items.map((e: { type: string }) => e.type);
    expect(types).toEqual([
      "admin_revoked_sessions",
      "login_succeeded",
      "login_succeeded",
      "registered",
    ]);
    expect(all.body.result.data.items[0]).toMatchObject({
      userId: target.user.id,
      actorId: admin.user.id,
      userEmail: target.user.email,
      actorEmail: admin.user.email,
    });
    // An event with no actor names none.
    expect(all.body.result.data.items[1]).toMatchObject({
      userEmail: target.user.email,
      actorId: null,
      actorEmail: null,
    });

    // Two at a time, by cursor, gives the same events in the same order.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await events({ userId: target.user.id, limit: 2, cursor });
      seen.push(...page.body.result.data.items.map((e: { id: string }) => e.id));
      cursor = page.body.result.data.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.result.data.items.map((e: { id: string }) => e.id));

    const logins = await events({ userId: target.user.id, type: "login_succeeded" });
    expect(logins.body.result.data.items).toHaveLength(2);

    // Across users: the type filter alone finds this admin's action among everyone's.
    const adminActions = await events({ type: "admin_revoked_sessions", limit: 100 });
    expect(
      adminActions.body.result.data.items.some(
        (e: { userId: string }) => e.userId === target.user.id,
      ),
    ).toBe(true);
    expect(
      adminActions.body.result.data.items.every(
        (e: { type: string }) => e.type === "admin_revoked_sessions",
      ),
    ).toBe(true);

    // The registration alone: from its time (inclusive) to just after it (exclusive).
    const registered = all.body.result.data.items.at(-1);
    const at = Date.parse(registered.createdAt);
    const window = await events({
      userId: target.user.id,
      from: new Date(at).toISOString(),
      to: new Date(at + 1).toISOString(),
    });
    expect(window.body.result.data.items.map((e: { id: string }) => e.id)).toContain(registered.id);
    expect(
      window.body.result.data.items.every(
        (e: { createdAt: string }) => e.createdAt === registered.createdAt,
      ),
    ).toBe(true);
    const future = await events({
      userId: target.user.id,
      from: new Date(api.now() + 60_000).toISOString(),
    });
    expect(future.body.result.data).toEqual({ items: [], nextCursor: null });
    // The earliest time a filter takes: every event is after it.
    const earliest = await events({ userId: target.user.id, from: "0001-01-01T00:00:00Z" });
    expect(earliest.body.result.data).toEqual(all.body.result.data);
  });

  it("narrows to what one admin did, across the accounts they acted on", async () => {
    const [first, second] = [await signUpAdmin(), await signUpAdmin()];
    const [target, other] = [await signUp(), await signUp()];
    await api.post("admin.revokeSessions", { userId: target.user.id }, bearer(first.access));
    await api.post("admin.revokeSessions", { userId: other.user.id }, bearer(second.access));
    await api.post("admin.deactivateUser", { userId: other.user.id }, bearer(first.access));
    const events = async (input: unknown) => {
      const reply = await api.get("admin.events", input, bearer(first.access));
      expect(reply.status).toBe(200);
      return reply.body.result.data.items as { type: string; userId: string; actorId: string }[];
    };

    const byFirst = await events({ actorId: first.user.id, limit: 100 });
    expect(byFirst.map(({ type, userId, actorId }) => ({ type, userId, actorId }))).toEqual([
      { type: "admin_deactivated_user", userId: other.user.id, actorId: first.user.id },
      { type: "admin_revoked_sessions", userId: target.user.id, actorId: first.user.id },
    ]);
    // With the account acted on: one admin's doings to one account.
    const onOther = await events({ actorId: second.user.id, userId: other.user.id });
    expect(onOther.map(({ type }) => type)).toEqual(["admin_revoked_sessions"]);
    // An account that never acted for another has done nothing here, its own sign-ins aside.
    expect(await events({ actorId: target.user.id })).toEqual([]);

    // The filter has an index of its own, holding only events with an actor: a page is read
    // from it, not from a scan of the whole trail.
    const plan = await api.db.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      return tx.$queryRaw<{ "QUERY PLAN": unknown }[]>`EXPLAIN (FORMAT JSON)
        SELECT id FROM auth_events WHERE actor_id = ${first.user.id}::uuid ORDER BY id DESC LIMIT 26`;
    });
    expect(JSON.stringify(plan)).toContain("auth_events_actor_id_id_idx");
  });

  it("answers bad filters with 400 VALIDATION", async () => {
    const admin = await signUpAdmin();
    const now = new Date().toISOString();
    for (const input of [
      { cursor: "abc" },
      { cursor: "9223372036854775808" },
      // Before year 1 (in UTC): PostgreSQL's timestamps do not go there as the driver writes them.
      { from: "0000-01-01T00:00:00Z" },
      { to: "0001-01-01T00:00:00+01:00" },
      { userId: "nope" },
      { actorId: "nope" },
      { type: "DROP TABLE" },
      // Not a type the trail records: an answer of no events would read as "none happened".
      { type: "bogus" },
      { from: "yesterday" },
      { from: now, to: now },
      { limit: 1000 },
    ]) {
      const reply = await api.get("admin.events", input, bearer(admin.access));
      expect(reply.status).toBe(400);
      expect(appCode(reply)).toBe("VALIDATION");
    }
  });
});

describe("two admins deactivating each other at the same moment", () => {
  it("lets one win: the other finds itself deactivated and changes nothing, so an admin remains", async () => {
    // Several rounds: the race is won or lost by microseconds (the tester saw both win 8 of 8).
    for (let round = 0; round < 4; round += 1) {
      const [a, b] = await Promise.all([signUpAdmin(), signUpAdmin()]);
      const [byA, byB] = await Promise.all([
        api.post("admin.deactivateUser", { userId: b.user.id }, bearer(a.access)),
        api.post("admin.deactivateUser", { userId: a.user.id }, bearer(b.access)),
      ]);
      const winners = [byA, byB].filter((reply) => reply.status === 200);
      expect(winners).toHaveLength(1);
      const loser = byA.status === 200 ? byB : byA;
      expect(loser.status).toBe(401);
      expect(appCode(loser)).toBe("USER_NOT_FOUND");
      const active = await api.db.user.count({
        where: { id: { in: [a.user.id, b.user.id] }, isActive: true },
      });
      expect(active).toBe(1);
    }
  });
});
