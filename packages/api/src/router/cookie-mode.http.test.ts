// Cookie mode over real HTTP: the refresh token in an HttpOnly cookie, the CSRF guard, and body
// mode left exactly as it was.
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { parseSetCookie } from "cookie";
import { describe, expect, it } from "vitest";
import {
  bearer,
  type Reply,
  serversPerTest,
  type TestServer,
  uniqueEmail,
} from "../../test/test-server";
import type { KitRouter } from "../root";

const PASSWORD = "correct horse battery";
const serverWith = serversPerTest();

const COOKIE_MODE = { "x-auth-refresh": "cookie" };
/** What a page of the server's own origin sends on a cookie-mode call. */
const fromPage = (api: TestServer, extra: Record<string, string> = {}) => ({
  ...COOKIE_MODE,
  origin: api.base,
  ...extra,
});
const withCookie = (token: string) => ({ cookie: `kit_refresh=${token}` });

/**
 * The one refresh Set-Cookie of a reply (`kit_refresh`, or `__Host-kit_refresh` over HTTPS),
 * parsed; fails the test if there is not exactly one.
 */
function refreshCookieOf(reply: Reply) {
  const cookies = reply.headers
    .getSetCookie()
    .map((line) => ({ line, cookie: parseSetCookie(line) }))
    .filter(({ cookie }) => cookie.name === "kit_refresh" || cookie.name === "__Host-kit_refresh");
  expect(cookies).toHaveLength(1);
  return cookies[0] as (typeof cookies)[number];
}

/** The Set-Cookie of `name` a reply carries, parsed; undefined without one. */
function setCookieNamed(reply: Reply, name: string) {
  const line = reply.headers.getSetCookie().find((set) => set.startsWith(`${name}=`));
  return line ? parseSetCookie(line) : undefined;
}

/** The device marker a reply sets (`kit_device`), fails the test without one. */
function deviceCookieOf(reply: Reply): string {
  const line = reply.headers.getSetCookie().find((set) => set.startsWith("kit_device="));
  const value = line ? parseSetCookie(line).value : "";
  expect(value).not.toBe("");
  return value as string;
}

const decode = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));

function expectCode(reply: Reply, status: number, appCode: string) {
  expect({ status: reply.status, appCode: reply.body?.error?.data?.appCode }).toEqual({
    status,
    appCode,
  });
}

/** Registers in cookie mode; returns the access token and the cookie's refresh token. */
async function signUp(api: TestServer) {
  const reply = await api.post(
    "auth.register",
    { email: uniqueEmail("cookie"), password: PASSWORD },
    fromPage(api),
  );
  expect(reply.status).toBe(200);
  const data = reply.body.result.data as { access: string; refresh: null; user: { id: string } };
  return { ...data, cookie: refreshCookieOf(reply).cookie.value as string };
}

/** Signs up in cookie mode and changes the password from a page; the new session's token. */
async function signUpAndChangePassword(api: TestServer) {
  const signedUp = await signUp(api);
  const changed = await api.post(
    "account.changePassword",
    { currentPassword: PASSWORD, newPassword: "a brand new secret" },
    { ...fromPage(api), ...bearer(signedUp.access) },
  );
  expect(changed.status).toBe(200);
  return { ...signedUp, changed, fresh: refreshCookieOf(changed).cookie.value as string };
}

describe("cookie mode: login and register", () => {
  it("login sets an HttpOnly SameSite=Lax cookie on /api/trpc for the token's lifetime; the body says refresh: null", async () => {
    const api = await serverWith();
    const email = uniqueEmail("cookie-login");
    await api.post("auth.register", { email, password: PASSWORD });
    // The server sets Max-Age from its clock while it answers: somewhere between these two.
    const before = Math.floor(api.now() / 1000);
    const reply = await api.post("auth.login", { email, password: PASSWORD }, fromPage(api));
    const after = Math.floor(api.now() / 1000);
    expect(reply.status).toBe(200);
    expect(reply.body.result.data.refresh).toBeNull();
    expect(decode(reply.body.result.data.access).type).toBe("access");

    const { line, cookie } = refreshCookieOf(reply);
    expect(cookie).toMatchObject({
      name: "kit_refresh",
      path: "/",
      httpOnly: true,
      sameSite: "lax",
    });
    // Plain http on 127.0.0.1: a Secure cookie would never come back.
    expect(cookie.secure).toBeFalsy();
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Lax/);
    const claims = decode(cookie.value as string);
    expect(claims.type).toBe("refresh");
    // Max-Age is what is left of the token's lifetime when the server answered, however long
    // the login (argon2 on a loaded machine) took.
    const maxAge = cookie.maxAge as number;
    expect(maxAge).toBeGreaterThanOrEqual(claims.exp - after);
    expect(maxAge).toBeLessThanOrEqual(claims.exp - before);
    // And that lifetime is the refresh token's (7 days by default).
    expect(claims.exp - claims.iat).toBe(7 * 24 * 3600);
  });

  it("register does the same", async () => {
    const api = await serverWith();
    const { refresh, cookie, access } = await signUp(api);
    expect(refresh).toBeNull();
    expect(decode(cookie).sid).toBe(decode(access).sid);
  });

  it("adds Secure behind a trusted proxy that says https, and only then", async () => {
    const trusted = await serverWith({ trustProxy: 1 });
    const https = { ...COOKIE_MODE, "x-forwarded-proto": "https" };
    const secure = await trusted.post(
      "auth.register",
      { email: uniqueEmail(), password: PASSWORD },
      { ...https, origin: trusted.base.replace("http:", "https:") },
    );
    expect(refreshCookieOf(secure).cookie.secure).toBe(true);
    expect(refreshCookieOf(secure).line).toMatch(/; Secure/);
    // Over HTTPS the __Host- prefix: only this host can set it, so no sibling can shadow it.
    expect(refreshCookieOf(secure).cookie.name).toBe("__Host-kit_refresh");
    expect(refreshCookieOf(secure).line).toMatch(/; Path=\//);
    expect(refreshCookieOf(secure).line).not.toMatch(/Domain=/i);

    // With no proxy trusted the header is the client's own word.
    const direct = await serverWith();
    const plain = await direct.post(
      "auth.register",
      { email: uniqueEmail(), password: PASSWORD },
      { ...https, origin: direct.base },
    );
    expect(refreshCookieOf(plain).cookie.secure).toBeFalsy();
    expect(refreshCookieOf(plain).cookie.name).toBe("kit_refresh");
  });

  it("refuses login, register and a password change without a same-origin Origin (login CSRF), before any work", async () => {
    const api = await serverWith();
    const email = uniqueEmail("cookie-csrf");
    const { access } = (await api.post("auth.register", { email, password: PASSWORD })).body.result
      .data as { access: string };
    const foreign = [
      { ...COOKIE_MODE },
      { ...COOKIE_MODE, origin: "https://evil.example" },
      { ...COOKIE_MODE, origin: "null" },
      fromPage(api, { "sec-fetch-site": "cross-site" }),
    ];
    for (const headers of foreign) {
      for (const [path, input] of [
        ["auth.login", { email, password: PASSWORD }],
        ["auth.login", { email, password: "a wrong password" }],
        ["auth.register", { email: uniqueEmail("csrf-register"), password: PASSWORD }],
      ] as const) {
        const refused = await api.post(path, input, headers);
        expectCode(refused, 403, "CSRF_REJECTED");
        expect(refused.headers.getSetCookie()).toEqual([]);
      }
      const change = await api.post(
        "account.changePassword",
        { currentPassword: PASSWORD, newPassword: "a brand new secret" },
        { ...headers, ...bearer(access) },
      );
      expectCode(change, 403, "CSRF_REJECTED");
    }
    // Nothing was done: one session (the registration's), no login tried, no account made.
    const user = await api.db.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
    expect(await api.db.session.count({ where: { userId: user.id } })).toBe(1);
    expect(
      await api.db.authEvent.count({
        where: { userId: user.id, type: { in: ["login_failed", "login_succeeded"] } },
      }),
    ).toBe(0);
    const made = { email: { startsWith: `csrf-register-${process.pid}-` } };
    expect(await api.db.user.count({ where: made })).toBe(0);
    // Body mode has no cookie to guard: as before, whatever the Origin.
    expect((await api.post("auth.login", { email, password: PASSWORD })).status).toBe(200);
    const fromPageLogin = await api.post(
      "auth.login",
      { email, password: PASSWORD },
      fromPage(api),
    );
    expect(fromPageLogin.status).toBe(200);
  });

  it("sets no cookie in body mode, and the body carries the refresh token as before", async () => {
    const api = await serverWith();
    const reply = await api.post("auth.register", { email: uniqueEmail(), password: PASSWORD });
    expect(reply.headers.getSetCookie()).toEqual([]);
    expect(decode(reply.body.result.data.refresh).type).toBe("refresh");
  });
});

describe("cookie mode: refresh", () => {
  it("rotates the cookie's token and sets the new one; the old one is reuse after the grace window", async () => {
    // A 2 s window, so that the build (on the real clock) can wait it out.
    const api = await serverWith({ refreshReuseGrace: 2 });
    const { cookie: t0, user } = await signUp(api);

    const first = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(t0) });
    expect(first.status).toBe(200);
    expect(first.body.result.data.refresh).toBeNull();
    const t1 = refreshCookieOf(first).cookie.value as string;
    expect(t1).not.toBe(t0);
    const session = await api.db.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(session.refreshJti).toBe(decode(t1).jti);
    const me = await api.get("auth.me", undefined, bearer(first.body.result.data.access));
    expect(me.body.result.data.id).toBe(user.id);

    // The chain goes on from the new cookie.
    const second = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(t1) });
    expect(second.status).toBe(200);
    const t2 = refreshCookieOf(second).cookie.value as string;

    // 2 s past the window, for a loaded machine.
    await api.elapse(4);
    const replay = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(t1) });
    expectCode(replay, 401, "TOKEN_REUSED");
    expect(refreshCookieOf(replay).cookie.maxAge).toBe(0);
    const after = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(t2) });
    expectCode(after, 401, "TOKEN_REVOKED");

    const events = await api.db.authEvent.findMany({
      where: { userId: user.id },
      orderBy: { id: "asc" },
    });
    expect(events.map((event) => event.type)).toEqual([
      "registered",
      "refreshed",
      "refreshed",
      "reuse_detected",
    ]);
  });

  it("answers the current token again for the one just rotated out, inside the grace window", async () => {
    const api = await serverWith();
    const { cookie: t0 } = await signUp(api);
    const first = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(t0) });
    const t1 = refreshCookieOf(first).cookie.value;
    const again = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(t0) });
    expect(again.status).toBe(200);
    expect(refreshCookieOf(again).cookie.value).toBe(t1);
  });

  it("refuses a cookie read without a same-origin Origin: 403 CSRF_REJECTED, nothing rotated", async () => {
    const api = await serverWith();
    const { cookie, user } = await signUp(api);
    const refused: Record<string, string>[] = [
      { ...COOKIE_MODE },
      { ...COOKIE_MODE, origin: "https://evil.example" },
      { ...COOKIE_MODE, origin: "null" },
      // Same host, other port or scheme: another origin.
      { ...COOKIE_MODE, origin: api.base.replace(/:\d+$/, ":1") },
      { ...COOKIE_MODE, origin: api.base.replace("http:", "https:") },
      // The browser's own word on where the request came from.
      fromPage(api, { "sec-fetch-site": "cross-site" }),
      fromPage(api, { "sec-fetch-site": "same-site" }),
    ];
    for (const headers of refused) {
      for (const path of ["auth.refresh", "auth.logout"]) {
        const reply = await api.post(path, {}, { ...headers, ...withCookie(cookie) });
        expectCode(reply, 403, "CSRF_REJECTED");
        expect(reply.body.error.data.code).toBe("FORBIDDEN");
        expect(reply.headers.getSetCookie()).toEqual([]);
      }
    }
    const session = await api.db.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(session).toMatchObject({ refreshJti: decode(cookie).jti, revokedAt: null });
    // A real page's request goes through.
    const ok = await api.post(
      "auth.refresh",
      {},
      { ...fromPage(api, { "sec-fetch-site": "same-origin" }), ...withCookie(cookie) },
    );
    expect(ok.status).toBe(200);
  });

  it("never reads the cookie without the custom header: MISSING_TOKEN, as today", async () => {
    const api = await serverWith();
    const { cookie } = await signUp(api);
    const reply = await api.post("auth.refresh", {}, { origin: api.base, ...withCookie(cookie) });
    expectCode(reply, 400, "MISSING_TOKEN");
    expect(reply.headers.getSetCookie()).toEqual([]);
  });

  it("MISSING_TOKEN in cookie mode without a cookie", async () => {
    const api = await serverWith();
    expectCode(await api.post("auth.refresh", {}, fromPage(api)), 400, "MISSING_TOKEN");
  });

  it("body mode is unchanged when a cookie is sent too: the body's token wins", async () => {
    const api = await serverWith();
    const one = await signUp(api);
    const two = await api.post("auth.register", { email: uniqueEmail(), password: PASSWORD });
    const bodyToken = two.body.result.data.refresh as string;
    const reply = await api.post("auth.refresh", { refresh: bodyToken }, withCookie(one.cookie));
    expect(reply.status).toBe(200);
    expect(reply.headers.getSetCookie()).toEqual([]);
    expect(decode(reply.body.result.data.refresh).sid).toBe(decode(bodyToken).sid);
    // The cookie's session was not touched.
    const session = await api.db.session.findUniqueOrThrow({
      where: { id: decode(one.cookie).sid },
    });
    expect(session.refreshJti).toBe(decode(one.cookie).jti);
  });

  it("clears the cookie when its token is refused for good", async () => {
    const api = await serverWith({ refreshReuseGrace: 1 });
    const garbage = await api.post(
      "auth.refresh",
      {},
      { ...fromPage(api), ...withCookie("x.y.z") },
    );
    expectCode(garbage, 401, "INVALID_TOKEN");
    const cleared = refreshCookieOf(garbage);
    expect(cleared.cookie).toMatchObject({ value: "", maxAge: 0, path: "/" });
    expect(cleared.line).toMatch(/; HttpOnly/);

    const { access, cookie } = await signUp(api);
    expect((await api.post("account.logoutAll", {}, bearer(access))).status).toBe(200);
    // Past the grace window after the session ended (inside it, see the next test).
    await api.elapse(1.5);
    const revoked = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(cookie) });
    expectCode(revoked, 401, "TOKEN_REVOKED");
    expect(refreshCookieOf(revoked).cookie.maxAge).toBe(0);
  });

  it("keeps the cookie when refusing a session ended just now: a password change's new one may be in it", async () => {
    // A grace window of 5 s, so that the build's real clock gets past it soon.
    const api = await serverWith({ refreshReuseGrace: 5 });
    // The tab that changes the password gets the fresh session's cookie...
    const { cookie, fresh } = await signUpAndChangePassword(api);
    expect(decode(fresh).sid).not.toBe(decode(cookie).sid);
    // ...and another tab's refresh, sent a moment before with the old cookie, is answered after
    // it: refused, and leaving the browser's cookie (now the fresh one) alone.
    const late = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(cookie) });
    expectCode(late, 401, "TOKEN_REVOKED");
    expect(late.headers.getSetCookie()).toEqual([]);
    const next = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(fresh) });
    expect(next.status).toBe(200);
    // Past the grace window the old session's cookie is a dead one again, and cleared.
    await api.elapse(5.5);
    const dead = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(cookie) });
    expectCode(dead, 401, "TOKEN_REVOKED");
    expect(refreshCookieOf(dead).cookie.maxAge).toBe(0);
  });

  it("hands a password change's new session to the browser whose cookie a late refresh answer replaced, and to no copy of its old cookies", async () => {
    const api = await serverWith();
    const registered = await api.post(
      "auth.register",
      { email: uniqueEmail("handover"), password: PASSWORD },
      fromPage(api),
    );
    const { access } = registered.body.result.data as { access: string };
    const t1 = refreshCookieOf(registered).cookie.value as string;
    const device = deviceCookieOf(registered);
    const jar = (cookies: string) => ({ ...fromPage(api), cookie: cookies });
    // One tab refreshes (t1 -> t2), its answer slow; another changes the password meanwhile.
    const refreshed = await api.post(
      "auth.refresh",
      {},
      jar(`kit_refresh=${t1}; kit_device=${device}`),
    );
    const t2 = refreshCookieOf(refreshed).cookie.value as string;
    const changed = await api.post(
      "account.changePassword",
      { currentPassword: PASSWORD, newPassword: "a brand new secret" },
      { ...jar(`kit_refresh=${t1}; kit_device=${device}`), ...bearer(access) },
    );
    expect(changed.status).toBe(200);
    const fresh = refreshCookieOf(changed).cookie;
    // The change's answer keeps the new session's token in a cookie of its own too.
    const kept = setCookieNamed(changed, "kit_refresh_handover");
    expect(kept).toMatchObject({
      value: fresh.value,
      maxAge: fresh.maxAge,
      path: "/",
      httpOnly: true,
      sameSite: "lax",
    });
    // The refresh's answer lands last: the browser's kit_refresh is t2, of the ended session.
    // A copy of the cookies from before the change (a thief's, marker and all) gets nothing.
    const stolen = await api.post(
      "auth.refresh",
      {},
      jar(`kit_refresh=${t2}; kit_device=${device}`),
    );
    expectCode(stolen, 401, "TOKEN_REVOKED");
    // The browser, with the handover beside it, goes on in the new session: rotated as usual,
    // and the handover cleared.
    const browser = `kit_refresh=${t2}; kit_device=${device}; kit_refresh_handover=${fresh.value}`;
    const handed = await api.post("auth.refresh", {}, jar(browser));
    expect(handed.status).toBe(200);
    const next = refreshCookieOf(handed).cookie.value as string;
    expect(decode(next).sid).toBe(decode(fresh.value as string).sid);
    expect(decode(next).jti).not.toBe(decode(fresh.value as string).jti);
    expect(setCookieNamed(handed, "kit_refresh_handover")?.maxAge).toBe(0);
    const handedAccess = handed.body.result.data.access as string;
    expect((await api.get("auth.me", undefined, bearer(handedAccess))).status).toBe(200);
    expect((await api.post("auth.refresh", {}, jar(`kit_refresh=${next}`))).status).toBe(200);
  });

  it("carries on with a handover the new session moved past only as a refresh with it would, else ignores it (never reuse)", async () => {
    // A grace window of 2 s, so that the build's real clock gets past it soon.
    const api = await serverWith({ refreshReuseGrace: 2 });
    const { access, cookie: old, fresh } = await signUpAndChangePassword(api);
    const rotated = refreshCookieOf(
      await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(fresh) }),
    ).cookie.value as string;
    const refresh = (cookie: string, handover: string, more: Record<string, string> = {}) =>
      api.post(
        "auth.refresh",
        {},
        {
          ...fromPage(api),
          ...more,
          cookie: `kit_refresh=${cookie}; kit_refresh_handover=${handover}${more.cookie ?? ""}`,
        },
      );
    // Another tab of the browser that rotated it, at the same moment: the replay, as for any
    // token just rotated out (before, only one of tabs refreshing at once carried on).
    const replayed = await refresh(old, fresh);
    expect(replayed.status).toBe(200);
    expect(decode(refreshCookieOf(replayed).cookie.value as string).jti).toBe(decode(rotated).jti);
    // Another client with it: not its replay, and not reuse either: ignored.
    const elsewhere = { "user-agent": "another browser" };
    expectCode(await refresh(old, fresh, elsewhere), 401, "TOKEN_REVOKED");
    // Unless the candidate of a 503 whose rotation took stands for it, as in any refresh.
    const viaCandidate = await refresh(old, fresh, {
      ...elsewhere,
      cookie: `; kit_refresh_candidates=${rotated}`,
    });
    expect(viaCandidate.status).toBe(200);
    const current = refreshCookieOf(viaCandidate).cookie.value as string;
    expect(decode(current).sid).toBe(decode(fresh).sid);
    // Past the window, from the same browser: a leftover, ignored.
    await api.elapse(2.5);
    expectCode(await refresh(old, fresh), 401, "TOKEN_REVOKED");
    // Another user's token, garbage, or an access token.
    const someoneElse = (await signUp(api)).cookie;
    expectCode(await refresh(old, someoneElse), 401, "TOKEN_REVOKED");
    expectCode(await refresh(old, "x.y.z"), 401, "TOKEN_REVOKED");
    expectCode(await refresh(old, access), 401, "TOKEN_REVOKED");
    // Only for a session that ended: a bad token is refused as it was.
    expectCode(await refresh("x.y.z", current), 401, "INVALID_TOKEN");
    // The new session lives on, its current token as good as before.
    const still = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(current) });
    expect(still.status).toBe(200);
  });

  it("keeps the cookie when the refusal is not about the token (rate limited)", async () => {
    const api = await serverWith({ rateLimits: { refreshPerClient: 1 } });
    const { cookie } = await signUp(api);
    const first = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(cookie) });
    const next = refreshCookieOf(first).cookie.value as string;
    const limited = await api.post("auth.refresh", {}, { ...fromPage(api), ...withCookie(next) });
    expectCode(limited, 429, "RATE_LIMITED");
    expect(limited.headers.getSetCookie()).toEqual([]);
  });
});

describe("cookie mode: logout", () => {
  it("revokes the cookie's session and clears the cookie", async () => {
    const api = await serverWith();
    const { access, cookie, user } = await signUp(api);
    const reply = await api.post("auth.logout", {}, { ...fromPage(api), ...withCookie(cookie) });
    expect(reply.status).toBe(200);
    expect(reply.body.result.data).toEqual({ ok: true });
    expect(refreshCookieOf(reply).cookie).toMatchObject({
      value: "",
      maxAge: 0,
      path: "/",
      httpOnly: true,
      sameSite: "lax",
    });
    expectCode(await api.get("auth.me", undefined, bearer(access)), 401, "TOKEN_REVOKED");
    const events = await api.db.authEvent.findMany({ where: { userId: user.id } });
    expect(events.map((event) => event.type)).toContain("logged_out");
  });

  it("ends the session a password change's handover holds too, and clears it", async () => {
    const api = await serverWith();
    const { cookie: old, fresh } = await signUpAndChangePassword(api);
    // The browser's kit_refresh is the old session's (a late refresh answer's), the new one is
    // in the handover: signing out ends the new session, the one this browser is in.
    const out = await api.post(
      "auth.logout",
      {},
      { ...fromPage(api), cookie: `kit_refresh=${old}; kit_refresh_handover=${fresh}` },
    );
    expect(out.status).toBe(200);
    expect(refreshCookieOf(out).cookie.maxAge).toBe(0);
    expect(setCookieNamed(out, "kit_refresh_handover")?.maxAge).toBe(0);
    const ended = await api.db.session.findUniqueOrThrow({ where: { id: decode(fresh).sid } });
    expect(ended.revokedReason).toBe("logout");
  });

  it("ends the handover's session only past the CSRF check: never beside a token in the body", async () => {
    const api = await serverWith();
    const { fresh } = await signUpAndChangePassword(api);
    const mine = await signUp(api);
    // Cookie mode's header, no Origin, a token of the caller's own in the body: its logout,
    // with no Origin to check, ends that token's session only.
    const out = await api.post(
      "auth.logout",
      { refresh: mine.cookie },
      { ...COOKIE_MODE, cookie: `kit_refresh_handover=${fresh}` },
    );
    expect(out.status).toBe(200);
    const kept = await api.db.session.findUniqueOrThrow({ where: { id: decode(fresh).sid } });
    expect(kept.revokedAt).toBeNull();
  });

  it("is idempotent without a cookie: ok, and the cookie cleared", async () => {
    const api = await serverWith();
    const reply = await api.post("auth.logout", {}, fromPage(api));
    expect(reply.status).toBe(200);
    expect(reply.body.result.data).toEqual({ ok: true });
    expect(refreshCookieOf(reply).cookie.maxAge).toBe(0);
  });

  it("still answers MISSING_TOKEN in body mode", async () => {
    const api = await serverWith();
    expectCode(await api.post("auth.logout", {}), 400, "MISSING_TOKEN");
  });

  it("clears the cookie and reports a bad token as before", async () => {
    const api = await serverWith();
    const reply = await api.post("auth.logout", {}, { ...fromPage(api), ...withCookie("junk") });
    expectCode(reply, 401, "INVALID_TOKEN");
    expect(refreshCookieOf(reply).cookie.maxAge).toBe(0);
  });
});

describe("calls without input through tRPC's own httpLink (which then sends no body)", () => {
  const client = (api: TestServer, headers: Record<string, string>) =>
    createTRPCClient<KitRouter>({ links: [httpLink({ url: `${api.base}/api/trpc`, headers })] });

  it("logout and refresh in cookie mode work, and in body mode say MISSING_TOKEN, not PARSE_ERROR", async () => {
    const api = await serverWith();
    const { access, cookie } = await signUp(api);
    const refreshed = await client(api, {
      ...fromPage(api),
      ...withCookie(cookie),
    }).auth.refresh.mutate();
    expect(refreshed.refresh).toBeNull();
    const session = decode(refreshed.access).sid;
    expect(session).toBe(decode(access).sid);

    const bodyMode = client(api, {});
    for (const call of [
      () => bodyMode.auth.logout.mutate(),
      () => bodyMode.auth.refresh.mutate(),
    ]) {
      const failure = await call().then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(TRPCClientError);
      expect((failure as TRPCClientError<KitRouter>).data?.appCode).toBe("MISSING_TOKEN");
    }
  });

  it("a logout with no body in cookie mode ends the session and clears the cookie", async () => {
    const api = await serverWith();
    const { access, cookie } = await signUp(api);
    const reply = await api.raw("/api/trpc/auth.logout", {
      method: "POST",
      headers: { "content-type": "application/json", ...fromPage(api), ...withCookie(cookie) },
    });
    expect(reply.status).toBe(200);
    expect(refreshCookieOf(reply).cookie.maxAge).toBe(0);
    expectCode(await api.get("auth.me", undefined, bearer(access)), 401, "TOKEN_REVOKED");
  });
});

describe("cookie mode: planted cookies", () => {
  it("refuses a request that carries two refresh cookies, whichever comes first", async () => {
    const api = await serverWith();
    const reply = await api.post(
      "auth.register",
      { email: uniqueEmail(), password: PASSWORD },
      fromPage(api),
    );
    const ours = refreshCookieOf(reply).cookie.value;
    for (const cookie of [
      `kit_refresh=${ours}; kit_refresh=planted`,
      `kit_refresh=planted; kit_refresh=${ours}`,
    ]) {
      const refused = await api.post("auth.refresh", {}, fromPage(api, { cookie }));
      expect(refused.status).toBe(401);
      expect(refused.body.error.data.appCode).toBe("INVALID_TOKEN");
      // The planted copy is deleted where it can sit (under /api), ours (Path=/) is left alone.
      const cleared = refused.headers
        .getSetCookie()
        .filter((line: string) => line.startsWith("kit_refresh=;"));
      const paths = cleared.map((line: string) => /Path=([^;]+)/.exec(line)?.[1]);
      expect(paths).toEqual(
        expect.arrayContaining(["/api", "/api/trpc", "/api/trpc/auth.refresh"]),
      );
      expect(paths).not.toContain("/");
      expect(cleared.every((line: string) => /Max-Age=0/.test(line))).toBe(true);
    }
    // Nothing was rotated: our cookie alone still refreshes.
    const alone = await api.post(
      "auth.refresh",
      {},
      fromPage(api, { cookie: `kit_refresh=${ours}` }),
    );
    expect(alone.status).toBe(200);
  });

  it("a logout that carries two refresh cookies ends the sessions of both and clears them all", async () => {
    const api = await serverWith();
    const mine = await signUp(api);
    const theirs = await signUp(api);
    for (const cookie of [
      `kit_refresh=planted; kit_refresh=${mine.cookie}`,
      `kit_refresh=${theirs.cookie}; kit_refresh=${mine.cookie}`,
    ]) {
      const reply = await api.post("auth.logout", {}, fromPage(api, { cookie }));
      expect(reply.status).toBe(200);
      expect(reply.body.result.data).toEqual({ ok: true });
      const paths = reply.headers
        .getSetCookie()
        .filter((line: string) => line.startsWith("kit_refresh=;") && /Max-Age=0/.test(line))
        .map((line: string) => /Path=([^;]+)/.exec(line)?.[1]);
      // Ours on / and the planted copy wherever it can sit: the browser keeps neither.
      expect(paths).toEqual(expect.arrayContaining(["/", "/api", "/api/trpc/auth.logout"]));
    }
    // The person asked to sign out: their session is over, as is the one planted beside it.
    for (const { access } of [mine, theirs]) {
      expectCode(await api.get("auth.me", undefined, bearer(access)), 401, "TOKEN_REVOKED");
    }
  });

  it("over HTTPS reads only the __Host- cookie: an unprefixed one (a sibling's) is not ours", async () => {
    const api = await serverWith({ trustProxy: 1 });
    const https = fromPage(api, {
      "x-forwarded-proto": "https",
      "x-forwarded-host": new URL(api.base).host,
      origin: `https://${new URL(api.base).host}`,
    });
    const reply = await api.post(
      "auth.register",
      { email: uniqueEmail(), password: PASSWORD },
      https,
    );
    const ours = refreshCookieOf(reply).cookie;
    expect(ours.name).toBe("__Host-kit_refresh");
    const planted = await api.post(
      "auth.refresh",
      {},
      { ...https, cookie: `kit_refresh=${ours.value}` },
    );
    expect(planted.body.error.data.appCode).toBe("MISSING_TOKEN");
    const hosted = await api.post(
      "auth.refresh",
      {},
      { ...https, cookie: `__Host-kit_refresh=${ours.value}` },
    );
    expect(hosted.status).toBe(200);
    expect(refreshCookieOf(hosted).cookie.name).toBe("__Host-kit_refresh");
    // A sibling's plain cookie planted beside ours does not stop ours: it is not counted.
    const beside = await api.post(
      "auth.refresh",
      {},
      {
        ...https,
        cookie: `kit_refresh=planted; __Host-kit_refresh=${refreshCookieOf(hosted).cookie.value}`,
      },
    );
    expect(beside.status).toBe(200);
  });
});
