// The auth procedures over real HTTP against a real PostgreSQL: every contract code, in order.
import { ARGON2_PARAMS, createSecretKey, createTokenService, verifyPasswordForm } from "@kit/auth";
import { hash as argon2Hash } from "@node-rs/argon2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bearer,
  type Reply,
  serversPerTest,
  startTestServer,
  TEST_SECRET,
  type TestServer,
  uniqueEmail,
} from "../../test/test-server";

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer();
});
afterAll(async () => {
  await api?.close();
});
// Tests that need other settings (short lifetimes, no grace window) get a server of their own.
const serverWith = serversPerTest();

const PASSWORD = "correct horse battery";

function decode(token: string) {
  const [, payload] = token.split(".");
  return JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
}

function expectError(reply: Reply, status: number, code: string, appCode: string) {
  expect({
    status: reply.status,
    code: reply.body?.error?.data?.code,
    appCode: reply.body?.error?.data?.appCode,
  }).toEqual({
    status,
    code,
    appCode,
  });
  expect(reply.body.error.data.httpStatus).toBe(status);
  expect(reply.body.error.data.stack).toBeUndefined();
}

async function register(email = uniqueEmail(), password = PASSWORD, name?: string) {
  const reply = await api.post("auth.register", { email, password, name });
  expect(reply.status).toBe(200);
  return reply.body.result.data as {
    user: { id: string; email: string; name: string | null };
    access: string;
    refresh: string;
  };
}

describe("auth.register", () => {
  it("creates the user and a session, and returns a token pair", async () => {
    const email = uniqueEmail("Reg");
    const reply = await api.post("auth.register", {
      email: `  ${email.toUpperCase()} `,
      password: PASSWORD,
      name: " Ada ",
    });
    expect(reply.status).toBe(200);
    const { user, access, refresh } = reply.body.result.data;
    expect(user).toEqual({
      id: expect.any(String),
      email: email.toLowerCase(),
      name: "Ada",
      role: "user",
    });
    const claims = decode(access);
    expect(claims).toMatchObject({
      sub: user.id,
      email: email.toLowerCase(),
      type: "access",
      role: "user",
    });
    expect(claims.exp - claims.iat).toBe(30 * 60);
    const refreshClaims = decode(refresh);
    expect(refreshClaims).toMatchObject({ sub: user.id, sid: claims.sid, type: "refresh" });
    expect(refreshClaims.exp - refreshClaims.iat).toBe(7 * 24 * 3600);
    expect(refreshClaims.email).toBeUndefined();
    expect(refreshClaims.jti).not.toBe(claims.jti);
  });

  it("refuses an email that is taken, whatever its case: CONFLICT/EMAIL_TAKEN", async () => {
    const email = uniqueEmail();
    await register(email);
    expectError(
      await api.post("auth.register", { email: email.toUpperCase(), password: PASSWORD }),
      409,
      "CONFLICT",
      "EMAIL_TAKEN",
    );
  });

  it("refuses passwords outside 8..128 characters: WEAK_PASSWORD", async () => {
    expectError(
      await api.post("auth.register", { email: uniqueEmail(), password: "short" }),
      400,
      "BAD_REQUEST",
      "WEAK_PASSWORD",
    );
    expectError(
      await api.post("auth.register", { email: uniqueEmail(), password: "x".repeat(129) }),
      400,
      "BAD_REQUEST",
      "WEAK_PASSWORD",
    );
  });

  it("refuses malformed input: VALIDATION", async () => {
    const cases: unknown[] = [
      { email: "not-an-email", password: PASSWORD },
      { email: `${"a".repeat(250)}@example.com`, password: PASSWORD },
      { email: uniqueEmail(), password: PASSWORD, name: "bad\u0000name" },
      { email: uniqueEmail(), password: PASSWORD, name: "n".repeat(101) },
      // An unpaired surrogate (JSON "\udfff") would be stored as U+FFFD.
      { email: uniqueEmail(), password: PASSWORD, name: "Ann\udfff" },
      { email: uniqueEmail(), password: `${PASSWORD}\ud800` },
      { email: uniqueEmail(), password: 12345678 },
      { email: uniqueEmail() },
      "a string",
    ];
    for (const input of cases) {
      expectError(await api.post("auth.register", input), 400, "BAD_REQUEST", "VALIDATION");
    }
  });

  it("says which input was refused and why: a readable message and data.issues", async () => {
    const reply = await api.post("auth.register", { email: "not-an-email", password: 12345678 });
    expectError(reply, 400, "BAD_REQUEST", "VALIDATION");
    expect(reply.body.error.message).toBe(
      "email: Enter a valid email address.; password: Invalid input: expected string, received number",
    );
    expect(reply.body.error.data.issues).toEqual([
      { path: ["email"], message: "Enter a valid email address." },
      { path: ["password"], message: "Invalid input: expected string, received number" },
    ]);
    // The whole input refused: an issue with an empty path, its message alone.
    const whole = await api.post("auth.register", "a string");
    expect(whole.body.error.message).toBe("Invalid input: expected object, received string");
    expect(whole.body.error.data.issues).toEqual([
      { path: [], message: "Invalid input: expected object, received string" },
    ]);
    // Other errors carry no issues.
    const wrong = await api.post("auth.login", { email: uniqueEmail(), password: PASSWORD });
    expect(wrong.body.error.data).not.toHaveProperty("issues");
  });

  it("accepts a missing name", async () => {
    const { user } = await register(uniqueEmail(), PASSWORD);
    expect(user.name).toBeNull();
  });
});

describe("auth.login", () => {
  it("returns the user and a token pair for the right password, with the email normalised", async () => {
    const email = uniqueEmail();
    const { user } = await register(email);
    const reply = await api.post("auth.login", {
      email: ` ${email.toUpperCase()}`,
      password: PASSWORD,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.result.data.user).toEqual(user);
    expect(decode(reply.body.result.data.access).type).toBe("access");
  });

  it("answers the same for an unknown email and a wrong password", async () => {
    const email = uniqueEmail();
    await register(email);
    const wrong = await api.post("auth.login", { email, password: "wrong password" });
    const unknown = await api.post("auth.login", {
      email: uniqueEmail("nobody"),
      password: PASSWORD,
    });
    expectError(wrong, 401, "UNAUTHORIZED", "INVALID_CREDENTIALS");
    expectError(unknown, 401, "UNAUTHORIZED", "INVALID_CREDENTIALS");
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it("refuses a deactivated user with the same error", async () => {
    const email = uniqueEmail();
    const { user } = await register(email);
    await api.db.user.update({ where: { id: user.id }, data: { isActive: false } });
    expectError(
      await api.post("auth.login", { email, password: PASSWORD }),
      401,
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
  });

  it("refuses oversized or malformed input with 400 before any hashing", async () => {
    expectError(
      await api.post("auth.login", { email: uniqueEmail(), password: "p".repeat(129) }),
      400,
      "BAD_REQUEST",
      "VALIDATION",
    );
    expectError(
      await api.post("auth.login", { email: "x".repeat(300), password: PASSWORD }),
      400,
      "BAD_REQUEST",
      "VALIDATION",
    );
    expectError(
      await api.post("auth.login", { email: "nope", password: PASSWORD }),
      400,
      "BAD_REQUEST",
      "VALIDATION",
    );
    expectError(await api.post("auth.login", {}), 400, "BAD_REQUEST", "VALIDATION");
  });
});

describe("auth.me and protectedProcedure", () => {
  it("answers with the user for a valid access token", async () => {
    const { user, access } = await register(undefined, undefined, "Grace");
    const reply = await api.get("auth.me", undefined, bearer(access));
    expect(reply.status).toBe(200);
    expect(reply.body.result.data).toEqual({
      id: user.id,
      email: user.email,
      name: "Grace",
      role: "user",
    });
  });

  it("accepts the scheme in any case (RFC 6750)", async () => {
    const { access } = await register();
    expect(
      (await api.get("auth.me", undefined, { authorization: `bEaReR ${access}` })).status,
    ).toBe(200);
  });

  it("MISSING_TOKEN without credentials it understands", async () => {
    expectError(await api.get("auth.me"), 401, "UNAUTHORIZED", "MISSING_TOKEN");
    expectError(
      await api.get("auth.me", undefined, { authorization: "Basic dXNlcjpwYXNz" }),
      401,
      "UNAUTHORIZED",
      "MISSING_TOKEN",
    );
  });

  it("INVALID_TOKEN for a malformed header, garbage, or a forged signature", async () => {
    const { access } = await register();
    const [head, body] = access.split(".");
    for (const authorization of [
      "Bearer",
      "Bearer ",
      "Bearer a b",
      "Bearer not-a-jwt",
      `Bearer ${head}.${body}.forged`,
    ]) {
      expectError(
        await api.get("auth.me", undefined, { authorization }),
        401,
        "UNAUTHORIZED",
        "INVALID_TOKEN",
      );
    }
  });

  it("INVALID_TOKEN for a token issued more than a minute in the future, by the right key", async () => {
    const { access, user } = await register();
    // The server's own secret on a clock ahead: signed as a server with a wrong clock (or a
    // key's thief) would sign it, for a live session.
    const issuedAhead = (ms: number) =>
      createTokenService({
        key: createSecretKey(TEST_SECRET),
        accessTtl: 1800,
        refreshTtl: 3600,
        now: () => Date.now() + ms,
      }).issueAccess({ userId: user.id, email: user.email, sessionId: decode(access).sid }).token;
    const reply = await api.get("auth.me", undefined, bearer(issuedAhead(120_000)));
    expectError(reply, 401, "UNAUTHORIZED", "INVALID_TOKEN");
    expect(reply.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    // A few seconds ahead (two servers' clocks a little apart) passes.
    expect((await api.get("auth.me", undefined, bearer(issuedAhead(5_000)))).status).toBe(200);
  });

  it("TOKEN_EXPIRED once the access token's lifetime is over", async () => {
    // 6 s, so the build (on the real clock) waits only seconds. iat and exp are whole seconds:
    // used at once the token has 5 to 6 s left (room for a slow round trip on a loaded machine),
    // and 8 s later it is 2 to 3 s past exp.
    const server = await serverWith({ accessTtl: 6 });
    const reply = await server.post("auth.register", { email: uniqueEmail(), password: PASSWORD });
    const { access } = reply.body.result.data;
    expect(decode(access).exp - decode(access).iat).toBe(6);
    expect((await server.get("auth.me", undefined, bearer(access))).status).toBe(200);
    await server.elapse(8);
    expectError(
      await server.get("auth.me", undefined, bearer(access)),
      401,
      "UNAUTHORIZED",
      "TOKEN_EXPIRED",
    );
  });

  it("WRONG_TOKEN_TYPE for a refresh token", async () => {
    const { refresh } = await register();
    expectError(
      await api.get("auth.me", undefined, bearer(refresh)),
      401,
      "UNAUTHORIZED",
      "WRONG_TOKEN_TYPE",
    );
  });

  it("USER_NOT_FOUND for a deactivated or deleted user, checked before the session", async () => {
    const one = await register();
    await api.db.user.update({ where: { id: one.user.id }, data: { isActive: false } });
    await api.post("auth.logout", { refresh: one.refresh });
    expectError(
      await api.get("auth.me", undefined, bearer(one.access)),
      401,
      "UNAUTHORIZED",
      "USER_NOT_FOUND",
    );

    const two = await register();
    await api.db.user.delete({ where: { id: two.user.id } });
    expectError(
      await api.get("auth.me", undefined, bearer(two.access)),
      401,
      "UNAUTHORIZED",
      "USER_NOT_FOUND",
    );
  });

  it("TOKEN_REVOKED for an access token whose session ended", async () => {
    const { access, refresh } = await register();
    await api.post("auth.logout", { refresh });
    expectError(
      await api.get("auth.me", undefined, bearer(access)),
      401,
      "UNAUTHORIZED",
      "TOKEN_REVOKED",
    );
  });
});

describe("auth.refresh", () => {
  it("rotates: a new pair each time, the old refresh token becomes reuse", async () => {
    const first = await register();
    const one = await api.post("auth.refresh", { refresh: first.refresh });
    expect(one.status).toBe(200);
    const pair = one.body.result.data;
    expect(Object.keys(pair).sort()).toEqual(["access", "refresh"]);
    expect(pair.refresh).not.toBe(first.refresh);
    expect(decode(pair.refresh).sid).toBe(decode(first.refresh).sid);
    expect(decode(pair.refresh).jti).not.toBe(decode(first.refresh).jti);
    expect((await api.get("auth.me", undefined, bearer(pair.access))).status).toBe(200);

    const two = await api.post("auth.refresh", { refresh: pair.refresh });
    expect(two.status).toBe(200);
    // Reuse of a rotated token revokes the whole session: every token of it stops working.
    // (From another client: the one that rotated may replay it within the grace window.)
    expectError(
      await api.post("auth.refresh", { refresh: first.refresh }, { "user-agent": "Thief/1.0" }),
      401,
      "UNAUTHORIZED",
      "TOKEN_REUSED",
    );
    expectError(
      await api.post("auth.refresh", { refresh: two.body.result.data.refresh }),
      401,
      "UNAUTHORIZED",
      "TOKEN_REVOKED",
    );
    expectError(
      await api.get("auth.me", undefined, bearer(two.body.result.data.access)),
      401,
      "UNAUTHORIZED",
      "TOKEN_REVOKED",
    );
    const session = await api.db.session.findUniqueOrThrow({
      where: { id: decode(first.refresh).sid },
    });
    expect(session.revokedReason).toBe("reuse");
  });

  it("with the grace window off, lets exactly one of several concurrent refreshes win", async () => {
    const strict = await serverWith({ refreshReuseGrace: 0 });
    const reply = await strict.post("auth.register", { email: uniqueEmail(), password: PASSWORD });
    const { refresh } = reply.body.result.data;
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => strict.post("auth.refresh", { refresh })),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of replies.filter((r) => r.status !== 200)) {
      expect(["TOKEN_REUSED", "TOKEN_REVOKED"]).toContain(r.body.error.data.appCode);
    }
  });

  it("MISSING_TOKEN (400) when absent or empty", async () => {
    for (const input of [{}, { refresh: "" }, { refresh: null }]) {
      expectError(await api.post("auth.refresh", input), 400, "BAD_REQUEST", "MISSING_TOKEN");
    }
    // No body at all is no input (tRPC's httpLink sends none for a call without one).
    expectError(await api.post("auth.refresh"), 400, "BAD_REQUEST", "MISSING_TOKEN");
  });

  it("INVALID_TOKEN, WRONG_TOKEN_TYPE", async () => {
    const { access, refresh } = await register();
    expectError(
      await api.post("auth.refresh", { refresh: "garbage" }),
      401,
      "UNAUTHORIZED",
      "INVALID_TOKEN",
    );
    expectError(
      await api.post("auth.refresh", { refresh: `${refresh}x` }),
      401,
      "UNAUTHORIZED",
      "INVALID_TOKEN",
    );
    expectError(
      await api.post("auth.refresh", { refresh: access }),
      401,
      "UNAUTHORIZED",
      "WRONG_TOKEN_TYPE",
    );
  });

  it("TOKEN_EXPIRED once the refresh token's lifetime is over", async () => {
    // 3 s instead of 7 days, waited out with the same margins as the access token's test.
    const server = await serverWith({ refreshTtl: 3 });
    const reply = await server.post("auth.register", { email: uniqueEmail(), password: PASSWORD });
    const { refresh } = reply.body.result.data;
    expect(decode(refresh).exp - decode(refresh).iat).toBe(3);
    await server.elapse(5);
    expectError(
      await server.post("auth.refresh", { refresh }),
      401,
      "UNAUTHORIZED",
      "TOKEN_EXPIRED",
    );
  });

  it("USER_NOT_FOUND when the user is deactivated or gone", async () => {
    const { user, refresh } = await register();
    await api.db.user.update({ where: { id: user.id }, data: { isActive: false } });
    expectError(await api.post("auth.refresh", { refresh }), 401, "UNAUTHORIZED", "USER_NOT_FOUND");
    await api.db.user.delete({ where: { id: user.id } });
    expectError(await api.post("auth.refresh", { refresh }), 401, "UNAUTHORIZED", "USER_NOT_FOUND");
  });
});

describe("auth.logout", () => {
  it("revokes that session only; its refresh and access tokens stop at once", async () => {
    const email = uniqueEmail();
    const mine = await register(email);
    const other = (await api.post("auth.login", { email, password: PASSWORD })).body.result.data;

    const reply = await api.post("auth.logout", { refresh: mine.refresh });
    expect(reply.status).toBe(200);
    expect(reply.body.result.data).toEqual({ ok: true });
    expectError(
      await api.post("auth.refresh", { refresh: mine.refresh }),
      401,
      "UNAUTHORIZED",
      "TOKEN_REVOKED",
    );
    expectError(
      await api.get("auth.me", undefined, bearer(mine.access)),
      401,
      "UNAUTHORIZED",
      "TOKEN_REVOKED",
    );

    expect((await api.get("auth.me", undefined, bearer(other.access))).status).toBe(200);
    expect((await api.post("auth.refresh", { refresh: other.refresh })).status).toBe(200);
    // A second logout of the same session is not an error.
    expect((await api.post("auth.logout", { refresh: mine.refresh })).status).toBe(200);
  });

  it("MISSING_TOKEN, INVALID_TOKEN, WRONG_TOKEN_TYPE", async () => {
    const { access } = await register();
    expectError(await api.post("auth.logout", {}), 400, "BAD_REQUEST", "MISSING_TOKEN");
    expectError(
      await api.post("auth.logout", { refresh: "nope" }),
      401,
      "UNAUTHORIZED",
      "INVALID_TOKEN",
    );
    expectError(
      await api.post("auth.logout", { refresh: access }),
      401,
      "UNAUTHORIZED",
      "WRONG_TOKEN_TYPE",
    );
  });
});

describe("passwords in another Unicode form", () => {
  // "Crème brûlée": one code point per accented letter (NFC, what most systems send), or a
  // letter and a combining accent (NFD, what a Mac can send).
  const composed = "Crème brûlée 4242".normalize("NFC");
  const decomposed = composed.normalize("NFD");
  const login = (email: string, password: string) => api.post("auth.login", { email, password });

  it("sign in as the same password, whichever form registered it", async () => {
    const email = uniqueEmail("unicode");
    expect((await api.post("auth.register", { email, password: decomposed })).status).toBe(200);
    expect((await login(email, composed)).status).toBe(200);
    expect((await login(email, decomposed)).status).toBe(200);
    expect((await login(email, "Creme brulee 4242")).status).toBe(401);
  });

  it("still sign in where the hash was made of the password as typed, which is then re-made", async () => {
    const email = uniqueEmail("unicode-legacy");
    expect((await api.post("auth.register", { email, password: PASSWORD })).status).toBe(200);
    // What registration stored before passwords were normalised: the NFD bytes, hashed as sent.
    const legacy = await argon2Hash(decomposed, ARGON2_PARAMS);
    await api.db.user.update({ where: { email }, data: { passwordHash: legacy } });
    expect((await login(email, composed)).status).toBe(200);
    const { passwordHash } = await api.db.user.findUniqueOrThrow({ where: { email } });
    expect(passwordHash).not.toBe(legacy);
    expect(await verifyPasswordForm(passwordHash, decomposed)).toBe("normalized");
    expect((await login(email, decomposed)).status).toBe(200);
  });
});
