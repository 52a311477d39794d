// Abuse limits as a client meets them over HTTP: 429 RATE_LIMITED with Retry-After, the right
// password refused while limited, and register/refresh limited per client.
import { describe, expect, it } from "vitest";
import { bearer, type Reply, serversPerTest, uniqueEmail } from "../../test/test-server";
import type { RateLimitSettings } from "../rate-limit";

const PASSWORD = "correct horse battery";
const startServer = serversPerTest();
const serverWith = (rateLimits: Partial<RateLimitSettings>) => startServer({ rateLimits });

function expectLimited(reply: Reply) {
  expect(reply.status).toBe(429);
  expect(reply.body.error.data).toMatchObject({
    code: "TOO_MANY_REQUESTS",
    appCode: "RATE_LIMITED",
  });
  const retryAfter = Number(reply.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(0);
}

describe("login limits", () => {
  it("locks an account+client after a burst of failures; even the right password is refused", async () => {
    const api = await serverWith({ loginBurstFailures: 3, loginBurstLockSeconds: 60 });
    const email = uniqueEmail();
    const registered = await api.post("auth.register", { email, password: PASSWORD });
    const userId = registered.body.result.data.user.id as string;
    for (let i = 0; i < 3; i += 1) {
      expect((await api.post("auth.login", { email, password: "wrong password" })).status).toBe(
        401,
      );
    }
    const limited = await api.post("auth.login", { email, password: PASSWORD });
    expectLimited(limited);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // Another account from the same client is not locked by this burst.
    const other = uniqueEmail();
    await api.post("auth.register", { email: other, password: PASSWORD });
    expect((await api.post("auth.login", { email: other, password: PASSWORD })).status).toBe(200);
    // The refusal is in the audit trail, under the account it was aimed at.
    const events = () => api.db.authEvent.count({ where: { type: "rate_limited", userId } });
    expect(await events()).toBe(1);
    // Hammering the lock: each attempt refused, none recorded again (a flood must not fill the
    // audit trail; postgres-store.test shows the store's count is not written either).
    for (let i = 0; i < 20; i += 1) {
      expectLimited(await api.post("auth.login", { email, password: PASSWORD }));
    }
    expect(await events()).toBe(1);
  });

  it("records a parallel wave at a fresh lock once, however many of it were refused", async () => {
    const api = await serverWith({ loginBurstFailures: 3, loginBurstLockSeconds: 60 });
    const email = uniqueEmail();
    const registered = await api.post("auth.register", { email, password: PASSWORD });
    const userId = registered.body.result.data.user.id as string;
    // All sent before any is answered: the refusals land before this server noted the first.
    const wave = await Promise.all(
      Array.from({ length: 24 }, () => api.post("auth.login", { email, password: "wrong" })),
    );
    const statuses = wave.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(21);
    expect(await api.db.authEvent.count({ where: { type: "rate_limited", userId } })).toBe(1);
  });

  it("counts a wrong current password of account.changePassword as a failure, recording each", async () => {
    const api = await serverWith({ loginBurstFailures: 2, loginBurstLockSeconds: 60 });
    const email = uniqueEmail();
    const registered = await api.post("auth.register", { email, password: PASSWORD });
    const { user, access } = registered.body.result.data as {
      user: { id: string };
      access: string;
    };
    const change = () =>
      api.post(
        "account.changePassword",
        { currentPassword: "not the password", newPassword: "a brand new secret" },
        { authorization: `Bearer ${access}` },
      );
    expect((await change()).status).toBe(401);
    expect((await change()).status).toBe(401);
    expectLimited(await change());
    // Locked for sign-in too: the same budget as a login's, refused here before (recorded once).
    expectLimited(await api.post("auth.login", { email, password: PASSWORD }));
    const events = await api.db.authEvent.findMany({
      where: { userId: user.id, type: { in: ["password_change_failed", "rate_limited"] } },
      orderBy: { id: "asc" },
      select: { type: true },
    });
    expect(events.map((event) => event.type)).toEqual([
      "password_change_failed",
      "password_change_failed",
      "rate_limited",
    ]);
  });

  it("resets the consecutive count on success", async () => {
    const api = await serverWith({ loginBurstFailures: 3 });
    const email = uniqueEmail();
    await api.post("auth.register", { email, password: PASSWORD });
    for (let round = 0; round < 3; round += 1) {
      await api.post("auth.login", { email, password: "wrong password" });
      await api.post("auth.login", { email, password: "wrong password" });
      expect((await api.post("auth.login", { email, password: PASSWORD })).status).toBe(200);
    }
  });

  it("caps failures per account across clients, unknown emails included", async () => {
    // Behind one trusted proxy, each attempt comes from another client address.
    const api = await startServer({
      trustProxy: 1,
      rateLimits: { loginAccountFailures: 4, loginBurstFailures: 100 },
    });
    const from = (i: number) => ({ "x-forwarded-for": `203.0.113.${i + 1}` });
    const ghost = uniqueEmail("ghost");
    for (let i = 0; i < 4; i += 1) {
      const reply = await api.post("auth.login", { email: ghost, password: PASSWORD }, from(i));
      expect(reply.status).toBe(401);
    }
    expectLimited(await api.post("auth.login", { email: ghost, password: PASSWORD }, from(9)));
  });
});

describe("register and refresh limits", () => {
  it("limits register per client", async () => {
    const api = await serverWith({ registerPerClient: 2 });
    for (let i = 0; i < 2; i += 1) {
      expect(
        (await api.post("auth.register", { email: uniqueEmail(), password: PASSWORD })).status,
      ).toBe(200);
    }
    const userAgent = `register-limit-${uniqueEmail()}`;
    expectLimited(
      await api.post(
        "auth.register",
        { email: uniqueEmail(), password: PASSWORD },
        { "user-agent": userAgent },
      ),
    );
    // Recorded, under no account: none was made.
    const events = await api.db.authEvent.findMany({
      where: { userAgent },
      select: { type: true, userId: true },
    });
    expect(events).toEqual([{ type: "rate_limited", userId: null }]);
  });

  it("limits refresh per client", async () => {
    const api = await serverWith({ refreshPerClient: 2 });
    let { refresh } = (
      await api.post("auth.register", { email: uniqueEmail(), password: PASSWORD })
    ).body.result.data;
    for (let i = 0; i < 2; i += 1) {
      const reply = await api.post("auth.refresh", { refresh });
      expect(reply.status).toBe(200);
      refresh = reply.body.result.data.refresh;
    }
    const userAgent = `refresh-limit-${uniqueEmail()}`;
    expectLimited(await api.post("auth.refresh", { refresh }, { "user-agent": userAgent }));
    const events = await api.db.authEvent.findMany({
      where: { userAgent },
      select: { type: true, userId: true },
    });
    expect(events).toEqual([{ type: "rate_limited", userId: null }]);
  });
});

describe("owner lock-out: a device that signed in before keeps its own budget", () => {
  const from = (i: number) => ({ "x-forwarded-for": `203.0.113.${i}` });
  const OWNER = { "x-forwarded-for": "198.51.100.7", "user-agent": "Owner/1.0" };
  const limits = { loginAccountFailures: 4, loginBurstFailures: 100 };

  /** Spends the account's failure budget from four other addresses. */
  async function exhaust(api: Awaited<ReturnType<typeof startServer>>, email: string) {
    for (let i = 1; i <= 4; i += 1) {
      const reply = await api.post("auth.login", { email, password: "wrong password" }, from(i));
      expect(reply.status).toBe(401);
    }
    // The account cap holds for everyone without the owner's marker, the owner's address too.
    expectLimited(await api.post("auth.login", { email, password: PASSWORD }, from(9)));
    expectLimited(await api.post("auth.login", { email, password: PASSWORD }, OWNER));
  }

  it("body mode: the owner's device marker still signs in; its own failures still count", async () => {
    const api = await startServer({ trustProxy: 1, rateLimits: limits });
    const email = uniqueEmail("owner");
    const registered = await api.post("auth.register", { email, password: PASSWORD }, OWNER);
    const { device } = registered.body.result.data;
    expect(typeof device).toBe("string");
    await exhaust(api, email);

    const owner = await api.post("auth.login", { email, password: PASSWORD, device }, OWNER);
    expect(owner.status).toBe(200);
    // The marker comes back renewed, for the same device.
    expect(typeof owner.body.result.data.device).toBe("string");

    // A marker is no pass: the device's own wrong passwords spend its own budget.
    for (let i = 0; i < 4; i += 1) {
      const wrong = { email, password: "wrong password", device };
      expect((await api.post("auth.login", wrong, OWNER)).status).toBe(401);
    }
    expectLimited(await api.post("auth.login", { email, password: PASSWORD, device }, OWNER));
  });

  it("body mode: the marker lets the signed-in owner change the password too", async () => {
    const api = await startServer({ trustProxy: 1, rateLimits: limits });
    const email = uniqueEmail("owner-change");
    const registered = await api.post("auth.register", { email, password: PASSWORD }, OWNER);
    const { device, access } = registered.body.result.data;
    await exhaust(api, email);
    const change = { currentPassword: PASSWORD, newPassword: "a whole new battery staple" };
    // Without it, the account's cap (which someone else spent) refuses the owner's own check.
    expectLimited(
      await api.post("account.changePassword", change, { ...OWNER, ...bearer(access) }),
    );
    const changed = await api.post(
      "account.changePassword",
      { ...change, device },
      { ...OWNER, ...bearer(access) },
    );
    expect(changed.body.error?.data?.appCode).toBeUndefined();
    expect(changed.status).toBe(200);
  });

  it("a marker issued for another account is no help", async () => {
    const api = await startServer({ trustProxy: 1, rateLimits: limits });
    const email = uniqueEmail("victim");
    await api.post("auth.register", { email, password: PASSWORD }, OWNER);
    const other = await api.post(
      "auth.register",
      { email: uniqueEmail("attacker"), password: PASSWORD },
      from(5),
    );
    await exhaust(api, email);
    const borrowed = { email, password: PASSWORD, device: other.body.result.data.device };
    expectLimited(await api.post("auth.login", borrowed, from(5)));
  });

  it("cookie mode: the device cookie does the same", async () => {
    const api = await startServer({ trustProxy: 1, rateLimits: limits });
    const cookieMode = { ...OWNER, "x-auth-refresh": "cookie", origin: api.base };
    const email = uniqueEmail("owner-cookie");
    const registered = await api.post("auth.register", { email, password: PASSWORD }, cookieMode);
    expect(registered.body.result.data.device).toBeNull();
    const marker = registered.headers
      .getSetCookie()
      .find((line) => line.startsWith("kit_device="))
      ?.split(";")[0];
    expect(marker).toBeTruthy();
    await exhaust(api, email);
    const owner = await api.post(
      "auth.login",
      { email, password: PASSWORD },
      { ...cookieMode, cookie: marker ?? "" },
    );
    expect(owner.status).toBe(200);
  });
});
