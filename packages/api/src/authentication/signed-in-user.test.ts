// getSignedInUser against a real database: who the cookie stands for, read-only, null on any doubt.
import { describe, expect, it } from "vitest";
import { type InProcessServer, startInProcessServer } from "../../test/in-process-server";
import { serversPerTest, uniqueEmail } from "../../test/test-server";
import { getSignedInUser, readSignedIn } from "./signed-in-user";

const PASSWORD = "correct horse battery";
// getSignedInUser is called in process, with the server's own deps.
const serverWith = serversPerTest(startInProcessServer);

async function signUp(api: InProcessServer) {
  const email = uniqueEmail("signed-in");
  const reply = await api.post("auth.register", { email, password: PASSWORD, name: "Ada" });
  expect(reply.status).toBe(200);
  return reply.body.result.data as {
    user: { id: string; email: string; name: string | null };
    access: string;
    refresh: string;
  };
}

const cookieHeaders = (token: string) =>
  new Headers({ cookie: `theme=dark; kit_refresh=${token}; other=1` });
const sid = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")).sid as string;

describe("getSignedInUser", () => {
  it("returns the user and session for a valid cookie, and writes nothing", async () => {
    const api = await serverWith();
    const { user, refresh } = await signUp(api);
    const before = await api.db.session.findUniqueOrThrow({ where: { id: sid(refresh) } });
    await api.elapse(60);
    for (let i = 0; i < 2; i += 1) {
      expect(await getSignedInUser(api.deps, cookieHeaders(refresh))).toEqual({
        user: { ...user, role: "user" },
        sessionId: sid(refresh),
      });
    }
    const after = await api.db.session.findUniqueOrThrow({ where: { id: sid(refresh) } });
    expect(after).toEqual(before);
    // The token was not rotated: it still refreshes.
    expect((await api.post("auth.refresh", { refresh })).status).toBe(200);
  });

  it("is null without a cookie, for garbage, and for an access token", async () => {
    const api = await serverWith();
    const { access } = await signUp(api);
    expect(await getSignedInUser(api.deps, new Headers())).toBeNull();
    expect(await getSignedInUser(api.deps, new Headers({ cookie: "kit_refresh=" }))).toBeNull();
    expect(await getSignedInUser(api.deps, cookieHeaders("not-a-token"))).toBeNull();
    expect(await getSignedInUser(api.deps, cookieHeaders("%E0%A4%A"))).toBeNull();
    expect(await getSignedInUser(api.deps, cookieHeaders(access))).toBeNull();
  });

  it("reads the cookie the API would: over HTTPS only the __Host- one", async () => {
    const api = await serverWith();
    const mine = await signUp(api);
    const theirs = await signUp(api);
    const expected = { user: { ...mine.user, role: "user" }, sessionId: sid(mine.refresh) };
    // A sibling subdomain's plain cookie beside ours, or alone: never read over HTTPS.
    const beside = new Headers({
      cookie: `kit_refresh=${theirs.refresh}; __Host-kit_refresh=${mine.refresh}`,
    });
    expect(await getSignedInUser(api.deps, beside, { secure: true })).toEqual(expected);
    const alone = new Headers({ cookie: `kit_refresh=${theirs.refresh}` });
    expect(await getSignedInUser(api.deps, alone, { secure: true })).toBeNull();
    // Over HTTP ours is the plain one.
    expect(await getSignedInUser(api.deps, alone, { secure: false })).toMatchObject({
      user: { id: theirs.user.id },
    });
  });

  it("takes the candidates cookie's token when it is the session's (a refresh answered 503)", async () => {
    const api = await serverWith();
    const { user, refresh } = await signUp(api);
    // As a swap whose answer was lost leaves it: the session moved on, the browser kept the old.
    const moved = await api.post("auth.refresh", { refresh });
    const candidate: string = moved.body.result.data.refresh;
    await api.elapse(60);
    const old = `kit_refresh=${refresh}`;
    expect(await readSignedIn(api.deps, new Headers({ cookie: old }))).toEqual({
      refused: "TOKEN_REUSED",
    });
    const withCandidate = new Headers({ cookie: `${old}; kit_refresh_candidates=x~${candidate}` });
    expect(await getSignedInUser(api.deps, withCandidate)).toEqual({
      user: { ...user, role: "user" },
      sessionId: sid(refresh),
    });
    // A cookie whose token is the session's own is taken as it is, a candidate beside it or not.
    const current: string = (await api.post("auth.refresh", { refresh: candidate })).body.result
      .data.refresh;
    await api.elapse(60);
    const both = new Headers({
      cookie: `kit_refresh=${current}; kit_refresh_candidates=${candidate}`,
    });
    expect(await getSignedInUser(api.deps, both)).toMatchObject({ sessionId: sid(refresh) });
    // Another session's token is no candidate for this one.
    const other = await signUp(api);
    const foreign = new Headers({ cookie: `${old}; kit_refresh_candidates=${other.refresh}` });
    expect(await readSignedIn(api.deps, foreign)).toEqual({ refused: "TOKEN_REUSED" });
  });

  it("is null once the session is logged out or revoked", async () => {
    const api = await serverWith();
    const { refresh } = await signUp(api);
    expect((await api.post("auth.logout", { refresh })).status).toBe(200);
    expect(await getSignedInUser(api.deps, cookieHeaders(refresh))).toBeNull();
  });

  it("is null for an expired token and past the session's absolute cap", async () => {
    const api = await serverWith({ refreshTtl: 3600 });
    const { refresh } = await signUp(api);
    await api.elapse(3601);
    expect(await getSignedInUser(api.deps, cookieHeaders(refresh))).toBeNull();

    const capped = await serverWith({ sessionMaxAge: 60 });
    const second = await signUp(capped);
    expect(await getSignedInUser(capped.deps, cookieHeaders(second.refresh))).not.toBeNull();
    await capped.elapse(61);
    expect(await getSignedInUser(capped.deps, cookieHeaders(second.refresh))).toBeNull();
  });

  it("is null for a deactivated user", async () => {
    const api = await serverWith();
    const { user, refresh } = await signUp(api);
    await api.db.user.update({ where: { id: user.id }, data: { isActive: false } });
    expect(await getSignedInUser(api.deps, cookieHeaders(refresh))).toBeNull();
  });

  it("accepts the token just rotated out inside the grace window from the device that rotated it", async () => {
    const api = await serverWith();
    const mode = { "x-auth-refresh": "cookie", origin: api.base };
    const email = uniqueEmail("signed-in");
    const registered = await api.post("auth.register", { email, password: PASSWORD }, mode);
    const cookies = new Map(
      registered.headers.getSetCookie().map((line) => {
        const [pair = ""] = line.split(";");
        const at = pair.indexOf("=");
        return [pair.slice(0, at), pair.slice(at + 1)] as const;
      }),
    );
    const t0 = cookies.get("kit_refresh") ?? "";
    const device = cookies.get("kit_device") ?? "";
    expect(device).not.toBe("");
    const rotated = await api.post(
      "auth.refresh",
      {},
      {
        ...mode,
        cookie: `kit_refresh=${t0}; kit_device=${device}`,
      },
    );
    expect(rotated.status).toBe(200);
    const user = registered.body.result.data.user;
    const withDevice = (token: string) =>
      new Headers({ cookie: `kit_refresh=${token}; kit_device=${device}` });
    expect((await getSignedInUser(api.deps, withDevice(t0)))?.user).toEqual({
      ...user,
      role: "user",
    });
    // Without the device that rotated it, the previous token is not honoured, even in the window.
    expect(await getSignedInUser(api.deps, cookieHeaders(t0))).toBeNull();
    await api.elapse(11);
    expect(await getSignedInUser(api.deps, withDevice(t0))).toBeNull();
    // A read-only look does not punish reuse: the session goes on.
    const session = await api.db.session.findUniqueOrThrow({ where: { id: sid(t0) } });
    expect(session.revokedAt).toBeNull();
  });
});

describe("getSignedInUser after a password change overtaken by a refresh's answer", () => {
  it("reads the new session from the change's handover cookie, and only with it", async () => {
    const api = await serverWith();
    const mode = { "x-auth-refresh": "cookie", origin: api.base };
    const registered = await api.post(
      "auth.register",
      { email: uniqueEmail("signed-in"), password: PASSWORD },
      mode,
    );
    const cookieOf = (reply: typeof registered, name: string) =>
      reply.headers
        .getSetCookie()
        .find((line) => line.startsWith(`${name}=`))
        ?.split(";")[0]
        ?.slice(name.length + 1) ?? "";
    const device = cookieOf(registered, "kit_device");
    const t1 = cookieOf(registered, "kit_refresh");
    const jar = (token: string) => `kit_refresh=${token}; kit_device=${device}`;
    const refreshed = await api.post("auth.refresh", {}, { ...mode, cookie: jar(t1) });
    const t2 = cookieOf(refreshed, "kit_refresh");
    const changed = await api.post(
      "account.changePassword",
      { currentPassword: PASSWORD, newPassword: "a brand new secret" },
      { ...mode, cookie: jar(t1), authorization: `Bearer ${registered.body.result.data.access}` },
    );
    const handover = cookieOf(changed, "kit_refresh_handover");
    expect(handover).toBe(cookieOf(changed, "kit_refresh"));
    // The browser was left with t2 (the refresh's answer landed last) beside the handover: a
    // page load shows the new session, as the browser's own refresh would find it.
    const browser = new Headers({ cookie: `${jar(t2)}; kit_refresh_handover=${handover}` });
    expect((await getSignedInUser(api.deps, browser))?.sessionId).toBe(sid(handover));
    // The old cookies alone (a copy made before the change): signed out.
    expect(await getSignedInUser(api.deps, new Headers({ cookie: jar(t2) }))).toBeNull();
  });
});

describe("readSignedIn", () => {
  const refusal = async (api: InProcessServer, headers: Headers) =>
    ((await readSignedIn(api.deps, headers)) as { refused?: unknown }).refused;

  it("says why nobody is signed in: the cookie's refusal, or null without one", async () => {
    const api = await serverWith({ refreshTtl: 3600 });
    expect(await refusal(api, new Headers())).toBeNull();
    expect(await refusal(api, cookieHeaders("not-a-token"))).toBe("INVALID_TOKEN");

    const first = await signUp(api);
    expect(await readSignedIn(api.deps, cookieHeaders(first.refresh))).toMatchObject({
      user: { id: first.user.id },
    });
    expect(await refusal(api, cookieHeaders(first.access))).toBe("WRONG_TOKEN_TYPE");
    // Rotated without this client's device: the cookie is stale, which only a refresh judges.
    expect((await api.post("auth.refresh", { refresh: first.refresh })).status).toBe(200);
    expect(await refusal(api, cookieHeaders(first.refresh))).toBe("TOKEN_REUSED");

    const revoked = await signUp(api);
    expect((await api.post("auth.logout", { refresh: revoked.refresh })).status).toBe(200);
    expect(await refusal(api, cookieHeaders(revoked.refresh))).toBe("TOKEN_REVOKED");

    const deactivated = await signUp(api);
    await api.db.user.update({ where: { id: deactivated.user.id }, data: { isActive: false } });
    expect(await refusal(api, cookieHeaders(deactivated.refresh))).toBe("USER_NOT_FOUND");

    const expired = await signUp(api);
    await api.elapse(3601);
    expect(await refusal(api, cookieHeaders(expired.refresh))).toBe("TOKEN_EXPIRED");
  });
});
