// Refresh that never logs a user out by accident: the reuse grace window, one chain under
// concurrency, and the absolute session cap, over real HTTP. The build runs on the real clock,
// so every test that needs time to pass gives its server lifetimes of seconds, and each timing
// decision keeps margin: token iat/exp are whole seconds, and the machine is shared and loaded.
// A call that must come late enough waits >= 1.5 s past the instant (load only makes it later);
// one that must come in time has >= 5 s to spare (argon2 and round trips slow down under load).
import { describe, expect, it } from "vitest";
import { bearer, serversPerTest, type TestServer, uniqueEmail } from "../../test/test-server";

const PASSWORD = "correct horse battery";
const serverWith = serversPerTest();

async function signUp(api: TestServer) {
  const reply = await api.post("auth.register", { email: uniqueEmail(), password: PASSWORD });
  expect(reply.status).toBe(200);
  return reply.body.result.data as { access: string; refresh: string; user: { id: string } };
}

const decode = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));

/** A grace window (s) short enough to wait out on the real clock. */
const SHORT_GRACE = 2;

describe("reuse grace window", () => {
  it("returns the session's current pair for the token just rotated out, inside the window", async () => {
    // The default window (10 s); the replay goes out at once, like a second tab's.
    const api = await serverWith();
    const { refresh: t0 } = await signUp(api);
    const first = await api.post("auth.refresh", { refresh: t0 });
    expect(first.status).toBe(200);
    const t1 = first.body.result.data.refresh;

    const again = await api.post("auth.refresh", { refresh: t0 });
    expect(again.status).toBe(200);
    // The same refresh token, not a new one: the session stays one chain.
    expect(again.body.result.data.refresh).toBe(t1);
    expect(
      (await api.get("auth.me", undefined, bearer(again.body.result.data.access))).status,
    ).toBe(200);
    // The chain goes on from t1.
    expect((await api.post("auth.refresh", { refresh: t1 })).status).toBe(200);
  });

  it("is reuse outside the window: TOKEN_REUSED and the whole session revoked", async () => {
    const api = await serverWith({ refreshReuseGrace: SHORT_GRACE });
    const { refresh: t0 } = await signUp(api);
    const t1 = (await api.post("auth.refresh", { refresh: t0 })).body.result.data.refresh;
    // 2 s past the window, for a loaded machine.
    await api.elapse(SHORT_GRACE + 2);
    const late = await api.post("auth.refresh", { refresh: t0 });
    expect(late.status).toBe(401);
    expect(late.body.error.data.appCode).toBe("TOKEN_REUSED");
    expect((await api.post("auth.refresh", { refresh: t1 })).body.error.data.appCode).toBe(
      "TOKEN_REVOKED",
    );
  });

  it("takes a logout with a token rotated out as reuse, and one inside the window as a logout", async () => {
    const api = await serverWith({ refreshReuseGrace: SHORT_GRACE });
    // Inside the window, by the client that rotated: its logout, as with the current token.
    const mine = await signUp(api);
    await api.post("auth.refresh", { refresh: mine.refresh });
    const loggedOut = await api.post("auth.logout", { refresh: mine.refresh });
    expect(loggedOut.status).toBe(200);
    const sessionOf = (token: string) =>
      api.db.session.findUniqueOrThrow({ where: { id: decode(token).sid } });
    expect((await sessionOf(mine.refresh)).revokedReason).toBe("logout");

    // Outside it: whoever sends the old token is not the session's holder. The session ends as
    // reuse (the holder is told so), not as that client's sign-out.
    const theirs = await signUp(api);
    const t1 = (await api.post("auth.refresh", { refresh: theirs.refresh })).body.result.data
      .refresh;
    await api.elapse(SHORT_GRACE + 2);
    const stale = await api.post("auth.logout", { refresh: theirs.refresh });
    expect([stale.status, stale.body.error?.data?.appCode]).toEqual([401, "TOKEN_REUSED"]);
    const ended = await sessionOf(theirs.refresh);
    expect(ended.revokedReason).toBe("reuse");
    const events = await api.db.authEvent.findMany({
      where: { sessionId: ended.id },
      select: { type: true },
      orderBy: { id: "asc" },
    });
    expect(events.map((event) => event.type)).toEqual([
      "registered",
      "refreshed",
      "reuse_detected",
    ]);
    expect((await api.post("auth.refresh", { refresh: t1 })).body.error.data.appCode).toBe(
      "TOKEN_REVOKED",
    );
    // Logging out of a session already over stays quiet, whatever the token.
    expect((await api.post("auth.logout", { refresh: t1 })).status).toBe(200);
  });

  it("honours an older token of the same client's rotations inside the window (tabs loading at once)", async () => {
    // Each tab's load refreshes: the chain moves on twice while the slowest still sends t0.
    const api = await serverWith();
    const { refresh: t0 } = await signUp(api);
    const t1 = (await api.post("auth.refresh", { refresh: t0 })).body.result.data.refresh;
    const t2 = (await api.post("auth.refresh", { refresh: t1 })).body.result.data.refresh;
    for (const older of [t0, t1]) {
      const late = await api.post("auth.refresh", { refresh: older });
      expect(late.status).toBe(200);
      expect(late.body.result.data.refresh).toBe(t2);
    }
    expect((await api.post("auth.refresh", { refresh: t2 })).status).toBe(200);
  });

  it("honours the newest 8 tokens of a run, not more", async () => {
    const api = await serverWith();
    const tokens = [(await signUp(api)).refresh];
    for (let i = 0; i < 10; i++) {
      const reply = await api.post("auth.refresh", { refresh: tokens.at(-1) });
      tokens.push(reply.body.result.data.refresh);
    }
    // t10 current; t2…t9 retired in the run's memory; t1 fell out of it.
    const kept = await api.post("auth.refresh", { refresh: tokens[2] });
    expect(kept.body.result?.data.refresh).toBe(tokens[10]);
    const dropped = await api.post("auth.refresh", { refresh: tokens[1] });
    expect(dropped.body.error.data.appCode).toBe("TOKEN_REUSED");
  });

  it("is reuse for an older token outside its own window, even while later ones are inside", async () => {
    const api = await serverWith({ refreshReuseGrace: SHORT_GRACE });
    const { refresh: t0 } = await signUp(api);
    const t1 = (await api.post("auth.refresh", { refresh: t0 })).body.result.data.refresh;
    await api.elapse(SHORT_GRACE + 2);
    // t1 retired now, t0 more than the window ago.
    const t2 = (await api.post("auth.refresh", { refresh: t1 })).body.result.data.refresh;
    expect((await api.post("auth.refresh", { refresh: t0 })).body.error.data.appCode).toBe(
      "TOKEN_REUSED",
    );
    expect((await api.post("auth.refresh", { refresh: t2 })).body.error.data.appCode).toBe(
      "TOKEN_REVOKED",
    );
  });

  it("can be switched off (grace 0): the first replay is reuse", async () => {
    const api = await serverWith({ refreshReuseGrace: 0 });
    const { refresh: t0 } = await signUp(api);
    expect((await api.post("auth.refresh", { refresh: t0 })).status).toBe(200);
    expect((await api.post("auth.refresh", { refresh: t0 })).body.error.data.appCode).toBe(
      "TOKEN_REUSED",
    );
  });

  it("keeps exactly one live chain when 20 refreshes of one token race", async () => {
    const api = await serverWith();
    const { refresh: t0, user } = await signUp(api);
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => api.post("auth.refresh", { refresh: t0 })),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(200));
    const chains = new Set(replies.map((reply) => reply.body.result.data.refresh));
    expect(chains.size).toBe(1);
    const [survivor] = [...chains];
    const sessions = await api.db.session.findMany({ where: { userId: user.id } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.refreshJti).toBe(decode(survivor as string).jti);
    expect((await api.post("auth.refresh", { refresh: survivor })).status).toBe(200);
  });
});

describe("a token rotated out in its last seconds", () => {
  it("is replayed just past its own exp, inside the window, for the client that rotated it only", async () => {
    // Each token lives 16 s (over 15, iat being whole seconds). t0 is rotated with over 6 s of
    // its life left, then presented again over 2 s past its exp (a second tab's refresh that
    // arrived late): 9 s after the rotation, inside a 30 s window, while t1 still has 6 s.
    const api = await serverWith({ refreshTtl: 16, refreshReuseGrace: 30 });
    const { refresh: t0 } = await signUp(api);
    await api.elapse(9);
    const rotated = await api.post("auth.refresh", { refresh: t0 });
    expect(rotated.status).toBe(200);
    const t1 = rotated.body.result.data.refresh;
    await api.elapse(9);

    const late = await api.post("auth.refresh", { refresh: t0 });
    expect(late.body.error?.data?.appCode).toBeUndefined();
    expect(late.body.result.data.refresh).toBe(t1);
    // Another client with t0 is told expired, as before: no pair, and not reuse (an expired
    // token proves nothing), so the session lives on.
    const other = await api.post("auth.refresh", { refresh: t0 }, { "user-agent": "another" });
    expect(other.status).toBe(401);
    expect(other.body.error.data.appCode).toBe("TOKEN_EXPIRED");
    expect((await api.post("auth.refresh", { refresh: t1 })).status).toBe(200);
  });

  it("is expired once the window has passed, and the session is not revoked", async () => {
    const api = await serverWith({ refreshTtl: 16, refreshReuseGrace: 2 });
    const { refresh: t0 } = await signUp(api);
    await api.elapse(9);
    const t1 = (await api.post("auth.refresh", { refresh: t0 })).body.result.data.refresh;
    await api.elapse(9);
    const late = await api.post("auth.refresh", { refresh: t0 });
    expect(late.body.error.data.appCode).toBe("TOKEN_EXPIRED");
    expect((await api.post("auth.refresh", { refresh: t1 })).status).toBe(200);
  });
});

describe("absolute session cap", () => {
  it("caps every refresh token at login + max age; rotation never extends it", async () => {
    const MAX_AGE = 8;
    const api = await serverWith({ sessionMaxAge: MAX_AGE });
    const { refresh, user } = await signUp(api);
    // Read from the token and its session, not from a clock taken around the sign-up (argon2 and
    // the round trip may take seconds on a loaded machine): exp is the session's cap, whole
    // seconds, and the cap is max age after the session opened; not iat + the 7-day refresh TTL.
    const claims = decode(refresh);
    const session = await api.db.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(session.absoluteExpiresAt.getTime() - session.createdAt.getTime()).toBe(MAX_AGE * 1000);
    expect(claims.exp).toBe(Math.floor(session.absoluteExpiresAt.getTime() / 1000));
    expect(claims.exp - claims.iat).toBeGreaterThanOrEqual(MAX_AGE - 1);
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(MAX_AGE);

    // A second in (so the new token's iat is later): the cap, over 7 s after login since exp is
    // whole seconds, is still 6 s ahead.
    await api.elapse(1);
    const rotated = await api.post("auth.refresh", { refresh });
    expect(rotated.status).toBe(200);
    const next = rotated.body.result.data;
    expect(decode(next.refresh).iat).toBeGreaterThan(claims.iat);
    expect(decode(next.refresh).exp).toBe(claims.exp);
    // Nor does an access token outlive it (30 min otherwise): past the cap a call says expired,
    // not revoked, and the client's sign-out says why (it told "signed out elsewhere" before).
    expect(decode(next.access).exp).toBe(claims.exp);

    // 10 s after login: 2 s past the cap.
    await api.elapse(MAX_AGE + 1);
    const over = await api.post("auth.refresh", { refresh: next.refresh });
    expect(over.body.error.data.appCode).toBe("TOKEN_EXPIRED");
    expect((await api.get("auth.me", undefined, bearer(next.access))).body.error.data.appCode).toBe(
      "TOKEN_EXPIRED",
    );
  });

  it("renews the idle timeout (refresh lifetime) on each rotation, within the cap", async () => {
    // Each token lives 8 s (over 7 s, iat being whole seconds), so a hop every 2 s is 5 s early;
    // six of them (12 s) keep the chain alive past the first token's end.
    const TTL = 8;
    const HOP = 2;
    const api = await serverWith({ refreshTtl: TTL });
    let { refresh } = await signUp(api);
    for (let hop = 0; hop < 6; hop += 1) {
      await api.elapse(HOP);
      const reply = await api.post("auth.refresh", { refresh });
      expect(reply.status).toBe(200);
      refresh = reply.body.result.data.refresh;
    }
    // Idle past the last token's lifetime by 2 s.
    await api.elapse(TTL + 2);
    expect((await api.post("auth.refresh", { refresh })).body.error.data.appCode).toBe(
      "TOKEN_EXPIRED",
    );
  });
});

describe("a session cut short by an operator (its end moved earlier by SQL)", () => {
  it("answers TOKEN_EXPIRED, as its time says, where a revoked one answers TOKEN_REVOKED", async () => {
    const api = await serverWith();
    const cut = await signUp(api);
    const ended = await signUp(api);
    // Both in the session cache first: the change must reach it (the trigger's notification).
    expect((await api.get("auth.me", undefined, bearer(cut.access))).status).toBe(200);
    expect((await api.get("auth.me", undefined, bearer(ended.access))).status).toBe(200);
    const past = new Date(Date.now() - 1000);
    await api.db.session.updateMany({ where: { userId: cut.user.id }, data: { expiresAt: past } });
    await api.db.session.updateMany({
      where: { userId: ended.user.id },
      data: { expiresAt: past, revokedAt: past },
    });
    const codeOf = async (access: string) =>
      (await api.get("auth.me", undefined, bearer(access))).body.error?.data.appCode;
    for (let tries = 0; (await codeOf(cut.access)) === undefined && tries < 100; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await codeOf(cut.access)).toBe("TOKEN_EXPIRED");
    expect((await api.post("auth.refresh", { refresh: cut.refresh })).body.error.data.appCode).toBe(
      "TOKEN_EXPIRED",
    );
    expect(await codeOf(ended.access)).toBe("TOKEN_REVOKED");
    expect(
      (await api.post("auth.refresh", { refresh: ended.refresh })).body.error.data.appCode,
    ).toBe("TOKEN_REVOKED");
  });
});

describe("refresh after the account or session changed", () => {
  it("fails at once for a deactivated user and for a revoked session", async () => {
    const api = await serverWith();
    const one = await signUp(api);
    await api.db.user.update({ where: { id: one.user.id }, data: { isActive: false } });
    expect((await api.post("auth.refresh", { refresh: one.refresh })).body.error.data.appCode).toBe(
      "USER_NOT_FOUND",
    );

    const two = await signUp(api);
    await api.post("account.logoutAll", {}, bearer(two.access));
    expect((await api.post("auth.refresh", { refresh: two.refresh })).body.error.data.appCode).toBe(
      "TOKEN_REVOKED",
    );
  });
});

describe("who may replay inside the window", () => {
  // Behind one trusted proxy, so each request can come from an address of its own.
  const from = (address: string, agent: string) => ({
    "x-forwarded-for": address,
    "user-agent": agent,
  });
  const TAB = from("203.0.113.10", "Browser/1.0");
  const THIEF = from("198.51.100.66", "curl/8.0");

  it("is reuse for an older token from another client, or retired before another client rotated", async () => {
    const api = await serverWith({ trustProxy: 1 });
    const { refresh: t0 } = await signUp(api);
    const t1 = (await api.post("auth.refresh", { refresh: t0 }, TAB)).body.result.data.refresh;
    await api.post("auth.refresh", { refresh: t1 }, TAB);
    const stolen = await api.post("auth.refresh", { refresh: t0 }, THIEF);
    expect(stolen.body.error.data.appCode).toBe("TOKEN_REUSED");

    // The run is one client's: another client's rotation starts it anew.
    const second = await serverWith({ trustProxy: 1 });
    const { refresh: u0 } = await signUp(second);
    const u1 = (await second.post("auth.refresh", { refresh: u0 }, TAB)).body.result.data.refresh;
    const u2 = (await second.post("auth.refresh", { refresh: u1 }, THIEF)).body.result.data.refresh;
    await second.post("auth.refresh", { refresh: u2 }, TAB);
    const early = await second.post("auth.refresh", { refresh: u0 }, TAB);
    expect(early.body.error.data.appCode).toBe("TOKEN_REUSED");
  });

  it("honours the client that rotated (same address and agent), and audits the replay", async () => {
    const api = await serverWith({ trustProxy: 1 });
    const { refresh: t0, user } = await signUp(api);
    const t1 = (await api.post("auth.refresh", { refresh: t0 }, TAB)).body.result.data.refresh;
    const again = await api.post("auth.refresh", { refresh: t0 }, TAB);
    expect(again.status).toBe(200);
    expect(again.body.result.data.refresh).toBe(t1);
    const replays = await api.db.authEvent.count({
      where: { userId: user.id, type: "refresh_replayed" },
    });
    expect(replays).toBe(1);
  });

  it("treats a replay from any other client as theft: TOKEN_REUSED, the session revoked", async () => {
    const api = await serverWith({ trustProxy: 1 });
    const { refresh: t0 } = await signUp(api);
    const t1 = (await api.post("auth.refresh", { refresh: t0 }, TAB)).body.result.data.refresh;
    // At once, well inside the 10 s window, but from another address and agent.
    const stolen = await api.post("auth.refresh", { refresh: t0 }, THIEF);
    expect(stolen.status).toBe(401);
    expect(stolen.body.error.data.appCode).toBe("TOKEN_REUSED");
    expect((await api.post("auth.refresh", { refresh: t1 }, TAB)).body.error.data.appCode).toBe(
      "TOKEN_REVOKED",
    );
    // Another agent on the same address is another client too.
    const second = await serverWith({ trustProxy: 1 });
    const { refresh: u0 } = await signUp(second);
    await second.post("auth.refresh", { refresh: u0 }, TAB);
    const sameAddress = await second.post(
      "auth.refresh",
      { refresh: u0 },
      {
        ...TAB,
        "user-agent": "Other/2.0",
      },
    );
    expect(sameAddress.body.error.data.appCode).toBe("TOKEN_REUSED");
  });

  it("goes by the device marker where the client has one, whatever its address", async () => {
    const api = await serverWith({ trustProxy: 1 });
    const { refresh: t0, device } = (await signUp(api)) as unknown as {
      refresh: string;
      device: string;
    };
    expect(typeof device).toBe("string");
    const t1 = (await api.post("auth.refresh", { refresh: t0, device }, TAB)).body.result.data
      .refresh;
    // The same device on a new network (a phone leaving Wi-Fi): still the client that rotated.
    const moved = await api.post("auth.refresh", { refresh: t0, device }, THIEF);
    expect(moved.status).toBe(200);
    expect(moved.body.result.data.refresh).toBe(t1);
    // Same address and agent, but without the device's marker: not the client that rotated.
    const copied = await api.post("auth.refresh", { refresh: t0 }, TAB);
    expect(copied.body.error.data.appCode).toBe("TOKEN_REUSED");
  });

  it("lets many tabs of one browser refresh at once", async () => {
    const api = await serverWith({ trustProxy: 1 });
    const { refresh: t0 } = await signUp(api);
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => api.post("auth.refresh", { refresh: t0 }, TAB)),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(8).fill(200));
    expect(new Set(replies.map((reply) => reply.body.result.data.refresh)).size).toBe(1);
  });
});
