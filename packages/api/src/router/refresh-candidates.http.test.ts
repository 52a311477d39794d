// A refresh whose swap committed while its server heard nothing back, retried on ANOTHER server
// past the grace window, before (or without) the first server's mark: the case the marks cannot
// cover (a server cut off from the database alone, or one that stopped before marking). The 503
// carried the token the swap put in; presented beside the old one, it settles the retry by
// itself, with no timing, on any server.
import { parseSetCookie } from "cookie";
import { afterEach, describe, expect, it } from "vitest";
import { serverThroughProxy } from "../../test/database-through-proxy";
import { type InProcessServer, startInProcessServer } from "../../test/in-process-server";
import { type Reply, startTestServer, type TestServer, uniqueEmail } from "../../test/test-server";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PASSWORD = "correct horse battery";
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());

/** The value a reply's Set-Cookie gives `name`, and its Max-Age; undefined when it sets none. */
function setCookie(reply: Reply, name: string) {
  const line = reply.headers.getSetCookie().find((set) => parseSetCookie(set).name === name);
  if (line === undefined) return undefined;
  const cookie = parseSetCookie(line);
  return { value: cookie.value ?? "", maxAge: cookie.maxAge };
}

/**
 * A server that reaches the database through a proxy about to lose every answer (it gives up on
 * a statement 2 s after sending it), with a grace window of 2 s.
 */
function serverCutOff() {
  return serverThroughProxy(cleanups, { refreshReuseGrace: 2 });
}

/** A server on the same database that meets no trouble, with the same grace window. */
async function serverFine() {
  const api = await startInProcessServer({ refreshReuseGrace: 2 });
  cleanups.push(() => api.close());
  return api;
}

/**
 * Refreshes `token` on `cut`'s server while its answers are lost: the 503, after the swap took
 * (a connection its pool holds open carries it; one opened meanwhile would never get going).
 */
async function refreshCutOff(
  cut: Awaited<ReturnType<typeof serverCutOff>>,
  email: string,
  token: string,
  headers: Record<string, string> = {},
) {
  await signIn(cut.api, email);
  cut.proxy.loseAnswers();
  const given = await cut.api.post(
    "auth.refresh",
    headers.cookie ? {} : { refresh: token },
    headers,
  );
  expect(given.status).toBe(503);
  expect(given.body.error.data.appCode).toBe("DB_UNAVAILABLE");
  return given;
}

/** Signs in on `api` (`headers` for cookie mode); the refresh token. */
async function signIn(api: InProcessServer, email: string, headers: Record<string, string> = {}) {
  const reply = await api.post("auth.login", { email, password: PASSWORD }, headers);
  expect(reply.status).toBe(200);
  return (reply.body.result.data.refresh ?? setCookie(reply, "kit_refresh")?.value ?? "") as string;
}

describe("a refresh answered 503 while its swap committed, retried on another server", () => {
  it("body mode: with the 503's refreshCandidate it gets the rotation's pair; without, reuse", async () => {
    const [cut, other, b] = await Promise.all([serverCutOff(), serverCutOff(), serverFine()]);
    const email = uniqueEmail("candidate");
    await b.post("auth.register", { email, password: PASSWORD });
    const kept = await signIn(b, email);
    const bare = await signIn(b, email);
    const keptTry = await refreshCutOff(cut, email, kept);
    await refreshCutOff(other, email, bare);
    const candidate: string = keptTry.body.error.data.refreshCandidate;
    expect(claimsOf(candidate)).toMatchObject({ sid: claimsOf(kept).sid, type: "refresh" });
    // The swap took: the candidate is the session's token, and its server never hears of it.
    const keptSession = () => b.db.session.findUniqueOrThrow({ where: { id: claimsOf(kept).sid } });
    expect((await keptSession()).refreshJti).toBe(claimsOf(candidate).jti);

    // Well past the grace window, on another server, which met no trouble.
    await b.elapse(60);
    const retried = await b.post("auth.refresh", { refresh: kept, candidates: [candidate] });
    expect(retried.body.error?.data?.appCode).toBeUndefined();
    expect(retried.status).toBe(200);
    const pair = retried.body.result.data as { access: string; refresh: string };
    expect(claimsOf(pair.refresh).jti).toBe((await keptSession()).refreshJti);
    expect((await keptSession()).previousJti).toBe(claimsOf(candidate).jti);
    expect(
      (await b.get("auth.me", undefined, { authorization: `Bearer ${pair.access}` })).status,
    ).toBe(200);
    expect((await b.post("auth.refresh", { refresh: pair.refresh })).status).toBe(200);

    // Without it, the same retry is what it always was here: reuse, the session revoked. And a
    // candidate of another session proves nothing for this one.
    const refused = await b.post("auth.refresh", { refresh: bare, candidates: [candidate] });
    expect(refused.body.error?.data?.appCode).toBe("TOKEN_REUSED");
    // A candidate is a refresh token: in no log.
    for (const server of [cut.api, other.api, b]) expect(server.output()).not.toContain(candidate);
  }, 40_000);

  it("cookie mode: the candidate travels in its own cookie, and the retry clears it", async () => {
    const [cut, b] = await Promise.all([serverCutOff(), serverFine()]);
    const email = uniqueEmail("candidate-cookie");
    await b.post("auth.register", { email, password: PASSWORD });
    const page = (api: InProcessServer, cookie: string) => ({
      "x-auth-refresh": "cookie",
      origin: api.base,
      cookie,
    });
    const token = await signIn(b, email, { "x-auth-refresh": "cookie", origin: b.base });
    const given = await refreshCutOff(cut, email, token, page(cut.api, `kit_refresh=${token}`));
    // No token in a cookie-mode body.
    expect(given.body.error.data.refreshCandidate).toBeUndefined();
    const kept = setCookie(given, "kit_refresh_candidates");
    expect(kept?.value).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(kept?.maxAge).toBeGreaterThan(0);
    // The refresh cookie itself is left as it was.
    expect(setCookie(given, "kit_refresh")).toBeUndefined();

    await b.elapse(60);
    const cookies = `kit_refresh=${token}; kit_refresh_candidates=${kept?.value}`;
    const retried = await b.post("auth.refresh", {}, page(b, cookies));
    expect(retried.body.error?.data?.appCode).toBeUndefined();
    expect(retried.status).toBe(200);
    const session = await b.db.session.findUniqueOrThrow({ where: { id: claimsOf(token).sid } });
    expect(claimsOf(setCookie(retried, "kit_refresh")?.value ?? "").jti).toBe(session.refreshJti);
    expect(setCookie(retried, "kit_refresh_candidates")).toEqual({ value: "", maxAge: 0 });
  }, 40_000);
});

/**
 * Sends `refresh` (its input and headers) while an operator's transaction holds the session's
 * row past DATABASE_TIMEOUT: the swap is sent and never answered, so its outcome is unknown to
 * the server (here it did not take: statement_timeout ended it).
 */
async function refreshWhileRowHeld(
  api: TestServer,
  sid: string,
  refresh: () => Promise<Reply>,
): Promise<Reply> {
  return api.db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM sessions WHERE id = ${sid}::uuid FOR UPDATE`;
      return refresh();
    },
    { timeout: 20_000 },
  );
}

describe("a candidate the same client rotated since", () => {
  it("is judged as that token: inside the grace window the current pair, past it reuse", async () => {
    const api = await serverFine();
    const email = uniqueEmail("candidate-rotated");
    await api.post("auth.register", { email, password: PASSWORD });
    const old = await signIn(api, email);
    // The candidate's rotation took (its 503 lost), and a later try of the client rotated it.
    const candidate: string = (await api.post("auth.refresh", { refresh: old })).body.result.data
      .refresh;
    await api.elapse(60);
    const rotated = await api.post("auth.refresh", { refresh: candidate });
    const current: string = rotated.body.result.data.refresh;
    const replay = await api.post("auth.refresh", { refresh: old, candidates: [candidate] });
    expect(replay.status).toBe(200);
    expect(replay.body.result.data.refresh).toBe(current);
    // Past the window it is what presenting that token is: reuse, the session revoked.
    await api.elapse(60);
    const late = await api.post("auth.refresh", { refresh: old, candidates: [candidate] });
    expect(late.body.error?.data?.appCode).toBe("TOKEN_REUSED");
    expect((await api.post("auth.refresh", { refresh: current })).body.error?.data?.appCode).toBe(
      "TOKEN_REVOKED",
    );
  });
});

describe("candidates from two 503s in a row", () => {
  it("the current one wins wherever it is: the older, now previous, is not taken for reuse", async () => {
    const api = await serverFine();
    const email = uniqueEmail("candidate-order");
    await api.post("auth.register", { email, password: PASSWORD });
    const t0 = await signIn(api, email);
    // As two tries whose rotations both took leave it: t0 → t1 → t2, the client holding t0.
    const t1: string = (await api.post("auth.refresh", { refresh: t0 })).body.result.data.refresh;
    const t2: string = (await api.post("auth.refresh", { refresh: t1 })).body.result.data.refresh;
    await api.elapse(60);
    const retried = await api.post("auth.refresh", { refresh: t0, candidates: [t1, t2] });
    expect(retried.body.error?.data?.appCode).toBeUndefined();
    expect(retried.status).toBe(200);
    const session = await api.db.session.findUniqueOrThrow({ where: { id: claimsOf(t0).sid } });
    expect(session.previousJti).toBe(claimsOf(t2).jti);
    expect(session.revokedAt).toBeNull();
  });
});

/**
 * The server users run, with a newly registered account: its refresh token (in cookie mode, the
 * one the cookie got).
 */
async function builtServerWithAccount(label: string, cookieMode: boolean) {
  const api = await startTestServer();
  cleanups.push(() => api.close());
  const registered = await api.post(
    "auth.register",
    { email: uniqueEmail(label), password: PASSWORD },
    cookieMode ? { "x-auth-refresh": "cookie", origin: api.base } : {},
  );
  const token: string = cookieMode
    ? (setCookie(registered, "kit_refresh")?.value ?? "")
    : registered.body.result.data.refresh;
  return { api, token };
}

describe("the 503 of a refresh whose swap was not answered (the server users run)", () => {
  it("carries the candidate; a retry whose old token is still current ignores it", async () => {
    const { api, token } = await builtServerWithAccount("candidate-built", false);
    const { sid, jti } = claimsOf(token);
    const given = await refreshWhileRowHeld(api, sid, () =>
      api.post("auth.refresh", { refresh: token }),
    );
    expect(given.status).toBe(503);
    expect(given.headers.get("retry-after")).toBe("5");
    expect(given.body.error.data.appCode).toBe("DB_UNAVAILABLE");
    const candidate: string = given.body.error.data.refreshCandidate;
    expect(claimsOf(candidate)).toMatchObject({ sid, type: "refresh" });

    // Too many candidates are bad input; ones that are not tokens of this session are ignored.
    const many = await api.post("auth.refresh", {
      refresh: token,
      candidates: Array(5).fill(candidate),
    });
    expect(many.status).toBe(400);
    expect(many.body.error.data.appCode).toBe("VALIDATION");
    const retried = await api.post("auth.refresh", {
      refresh: token,
      candidates: ["not a token", candidate],
    });
    expect(retried.status).toBe(200);
    const next = claimsOf(retried.body.result.data.refresh);
    const session = await api.db.session.findUniqueOrThrow({ where: { id: sid } });
    // A rotation of the token presented, which was still current: the candidate never was.
    expect(session.previousJti).toBe(jti);
    expect(next.jti).toBe(session.refreshJti);
    expect(next.jti).not.toBe(claimsOf(candidate).jti);
  }, 40_000);

  it("cookie mode: sets the candidates cookie, adds to it, and the settled retry clears it", async () => {
    const { api, token } = await builtServerWithAccount("candidate-built-cookie", true);
    const { sid } = claimsOf(token);
    const page = (cookie: string) => ({ "x-auth-refresh": "cookie", origin: api.base, cookie });
    const first = await refreshWhileRowHeld(api, sid, () =>
      api.post("auth.refresh", {}, page(`kit_refresh=${token}`)),
    );
    expect(first.status).toBe(503);
    expect(first.body.error.data.refreshCandidate).toBeUndefined();
    const one = setCookie(first, "kit_refresh_candidates")?.value ?? "";
    expect(one.split("~")).toHaveLength(1);
    // A second try that meets the same: both candidates kept, the older first.
    const second = await refreshWhileRowHeld(api, sid, () =>
      api.post("auth.refresh", {}, page(`kit_refresh=${token}; kit_refresh_candidates=${one}`)),
    );
    expect(second.status).toBe(503);
    const two = setCookie(second, "kit_refresh_candidates")?.value ?? "";
    expect(two.split("~")).toEqual([one, expect.stringMatching(/^ey/)]);

    const retried = await api.post(
      "auth.refresh",
      {},
      page(`kit_refresh=${token}; kit_refresh_candidates=${two}`),
    );
    expect(retried.status).toBe(200);
    expect(setCookie(retried, "kit_refresh")?.maxAge).toBeGreaterThan(0);
    expect(setCookie(retried, "kit_refresh_candidates")).toEqual({ value: "", maxAge: 0 });
    // A sign-out clears a leftover too.
    const out = await api.post(
      "auth.logout",
      {},
      page(
        `kit_refresh=${setCookie(retried, "kit_refresh")?.value}; kit_refresh_candidates=${two}`,
      ),
    );
    expect(out.status).toBe(200);
    expect(setCookie(out, "kit_refresh_candidates")).toEqual({ value: "", maxAge: 0 });
  }, 60_000);

  it("cookie mode with the token in the body reads no cookie: no Origin asked, as before", async () => {
    const { api, token } = await builtServerWithAccount("candidate-body-token", false);
    const noOrigin = { "x-auth-refresh": "cookie", cookie: "kit_refresh_candidates=~" };
    const refreshed = await api.post("auth.refresh", { refresh: token }, noOrigin);
    expect(refreshed.status).toBe(200);
    const next = setCookie(refreshed, "kit_refresh")?.value ?? "";
    const out = await api.post("auth.logout", { refresh: next }, noOrigin);
    expect(out.status).toBe(200);
    // The leftover cookie, unreadable as it is, goes with the sign-out.
    expect(setCookie(out, "kit_refresh_candidates")).toEqual({ value: "", maxAge: 0 });
    const after = await api.post("auth.refresh", { refresh: next });
    expect(after.body.error?.data?.appCode).toBe("TOKEN_REVOKED");
  });

  it("a settled refresh clears a candidates cookie it could not read", async () => {
    const { api, token } = await builtServerWithAccount("candidate-junk", true);
    const refreshed = await api.post(
      "auth.refresh",
      {},
      {
        "x-auth-refresh": "cookie",
        origin: api.base,
        cookie: `kit_refresh=${token}; kit_refresh_candidates=${"~".repeat(50)}`,
      },
    );
    expect(refreshed.status).toBe(200);
    expect(setCookie(refreshed, "kit_refresh_candidates")).toEqual({ value: "", maxAge: 0 });
  });
});
