// Known-answer tokens, built without jsonwebtoken, so a library change cannot hide a regression.
import { describe, expect, it } from "vitest";
import { createSecretKey } from "./keys";
import { catchAuthError } from "./testing/catch-auth-error";
import { encodeSegment, FIXTURE_SECRET, fixtureToken } from "./testing/fixture-token";
import { createTokenService } from "./tokens";

const NOW = 1_700_000_000; // seconds
const tokens = createTokenService({
  key: createSecretKey(FIXTURE_SECRET),
  accessTtl: 900,
  refreshTtl: 604_800,
  now: () => NOW * 1000,
});

const access = {
  sub: "user-1",
  email: "ada@example.com",
  sid: "session-1",
  jti: "access-jti-1",
  iat: NOW - 60,
  exp: NOW + 840,
  type: "access",
};
const refresh = {
  sub: "user-1",
  sid: "session-1",
  jti: "refresh-jti-1",
  iat: NOW - 60,
  exp: NOW + 3600,
  type: "refresh",
};

function without(claims: Record<string, unknown>, name: string): Record<string, unknown> {
  const { [name]: _, ...rest } = claims;
  return rest;
}

const accessCode = (token: string) => catchAuthError(() => tokens.verifyAccess(token)).code;
const refreshCode = (token: string) => catchAuthError(() => tokens.verifyRefresh(token)).code;

describe("valid fixtures", () => {
  it("verifies a hand-signed access token to exactly its claims", () => {
    expect(tokens.verifyAccess(fixtureToken(access))).toEqual({ ...access, custom: {} });
  });

  it("verifies a hand-signed refresh token to exactly its claims", () => {
    expect(tokens.verifyRefresh(fixtureToken(refresh))).toEqual(refresh);
  });

  it("keeps claims it does not know apart, in `custom`, for the app to check", () => {
    const claims = tokens.verifyAccess(fixtureToken({ ...access, role: "admin" }));
    expect(claims).not.toHaveProperty("role");
    expect(claims.custom).toEqual({ role: "admin" });
  });
});

describe("header types (RFC 8725 §3.11)", () => {
  const typed = (claims: Record<string, unknown>, typ: string | undefined) =>
    fixtureToken(claims, { header: { alg: "HS256", ...(typ === undefined ? {} : { typ }) } });

  it("takes each kind under its own type, the plain JWT every token had before, or none", () => {
    for (const typ of ["at+jwt", "JWT", undefined]) {
      expect(tokens.verifyAccess(typed(access, typ))).toEqual({ ...access, custom: {} });
    }
    for (const typ of ["refresh+jwt", "JWT", undefined]) {
      expect(tokens.verifyRefresh(typed(refresh, typ))).toEqual(refresh);
    }
  });

  it("refuses a token whose header names another kind, or a type of no kind", () => {
    expect(accessCode(typed(access, "refresh+jwt"))).toBe("INVALID_TOKEN");
    expect(accessCode(typed(access, "device+jwt"))).toBe("INVALID_TOKEN");
    expect(accessCode(typed(access, "secevent+jwt"))).toBe("INVALID_TOKEN");
    expect(refreshCode(typed(refresh, "at+jwt"))).toBe("INVALID_TOKEN");
  });

  it("still answers WRONG_TOKEN_TYPE for a token of another kind, typed as it is", () => {
    expect(accessCode(typed(refresh, "refresh+jwt"))).toBe("WRONG_TOKEN_TYPE");
    expect(refreshCode(typed(access, "at+jwt"))).toBe("WRONG_TOKEN_TYPE");
  });
});

describe("expiry (TOKEN_EXPIRED, INVALID_TOKEN)", () => {
  it("rejects an expired token as TOKEN_EXPIRED", () => {
    expect(accessCode(fixtureToken({ ...access, exp: NOW - 1 }))).toBe("TOKEN_EXPIRED");
    expect(refreshCode(fixtureToken({ ...refresh, exp: NOW }))).toBe("TOKEN_EXPIRED");
  });

  it("rejects a token without exp: it must not live forever", () => {
    expect(accessCode(fixtureToken(without(access, "exp")))).toBe("INVALID_TOKEN");
    expect(refreshCode(fixtureToken(without(refresh, "exp")))).toBe("INVALID_TOKEN");
  });

  it("rejects a non-numeric or infinite exp", () => {
    expect(accessCode(fixtureToken({ ...access, exp: String(NOW + 840) }))).toBe("INVALID_TOKEN");
    expect(accessCode(fixtureToken({ ...access, exp: null }))).toBe("INVALID_TOKEN");
    const infinite = JSON.stringify({ ...access, exp: 0 }).replace('"exp":0', '"exp":1e999');
    expect(accessCode(fixtureToken(infinite))).toBe("INVALID_TOKEN");
  });

  it("rejects a token not valid yet (nbf in the future)", () => {
    expect(accessCode(fixtureToken({ ...access, nbf: NOW + 60 }))).toBe("INVALID_TOKEN");
  });

  it("rejects a token issued more than a minute in the future (PyJWT refuses any future iat)", () => {
    const issuedAt = (iat: number) => ({ ...access, iat, exp: iat + 900 });
    expect(accessCode(fixtureToken(issuedAt(NOW + 61)))).toBe("INVALID_TOKEN");
    expect(accessCode(fixtureToken(issuedAt(4_102_444_800)))).toBe("INVALID_TOKEN");
    expect(refreshCode(fixtureToken({ ...refresh, iat: NOW + 3000 }))).toBe("INVALID_TOKEN");
    // Another server's clock a little ahead: its fresh tokens pass.
    expect(tokens.verifyAccess(fixtureToken(issuedAt(NOW + 1))).iat).toBe(NOW + 1);
    expect(tokens.verifyAccess(fixtureToken(issuedAt(NOW + 60))).iat).toBe(NOW + 60);
  });

  it("widens the future iat's minute by the clock leeway", () => {
    const lenient = createTokenService({
      key: createSecretKey(FIXTURE_SECRET),
      accessTtl: 900,
      refreshTtl: 604_800,
      clockLeeway: 30,
      now: () => NOW * 1000,
    });
    const code = (iat: number) =>
      catchAuthError(() => lenient.verifyAccess(fixtureToken({ ...access, iat, exp: iat + 900 })))
        .code;
    expect(
      lenient.verifyAccess(fixtureToken({ ...access, iat: NOW + 90, exp: NOW + 990 })).iat,
    ).toBe(NOW + 90);
    expect(code(NOW + 91)).toBe("INVALID_TOKEN");
  });
});

describe("signature and algorithm (INVALID_TOKEN)", () => {
  it('rejects alg "none" with an empty signature', () => {
    const unsigned = `${encodeSegment({ alg: "none", typ: "JWT" })}.${encodeSegment(access)}.`;
    expect(accessCode(unsigned)).toBe("INVALID_TOKEN");
  });

  it('rejects alg "none" carrying a valid HS256 signature', () => {
    const signed = fixtureToken(access).split(".")[2];
    const token = `${encodeSegment({ alg: "none", typ: "JWT" })}.${encodeSegment(access)}.${signed}`;
    expect(accessCode(token)).toBe("INVALID_TOKEN");
  });

  it("rejects HS384 signed with the right secret, because HS256 is pinned", () => {
    const token = fixtureToken(access, { header: { alg: "HS384", typ: "JWT" }, hash: "sha384" });
    const error = catchAuthError(() => tokens.verifyAccess(token));
    expect(error.code).toBe("INVALID_TOKEN");
    // The pin rejected it, not a bad signature: the refusal is kept as the cause.
    expect((error.cause as Error).message).toMatch(/^invalid algorithm/);
  });

  it("rejects a tampered payload", () => {
    const [header, , signature] = fixtureToken(access).split(".");
    const forged = `${header}.${encodeSegment({ ...access, sub: "admin" })}.${signature}`;
    expect(accessCode(forged)).toBe("INVALID_TOKEN");
  });

  it("rejects a token signed with another secret", () => {
    const token = fixtureToken(access, { secret: "another-secret-0123456789abcdef-01234" });
    const error = catchAuthError(() => tokens.verifyAccess(token));
    expect(error.code).toBe("INVALID_TOKEN");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("checks the signature before expiry: a forged expired token is INVALID_TOKEN", () => {
    const token = fixtureToken({ ...access, exp: NOW - 1 }, { secret: "x".repeat(32) });
    expect(accessCode(token)).toBe("INVALID_TOKEN");
  });
});

describe("type claim (WRONG_TOKEN_TYPE)", () => {
  it("rejects the other kind of token", () => {
    expect(accessCode(fixtureToken(refresh))).toBe("WRONG_TOKEN_TYPE");
    expect(refreshCode(fixtureToken(access))).toBe("WRONG_TOKEN_TYPE");
  });

  it("rejects a token with no type", () => {
    expect(accessCode(fixtureToken(without(access, "type")))).toBe("WRONG_TOKEN_TYPE");
    expect(refreshCode(fixtureToken(without(refresh, "type")))).toBe("WRONG_TOKEN_TYPE");
  });

  it("checks expiry before type, and type before the other claims", () => {
    expect(accessCode(fixtureToken({ ...refresh, exp: NOW - 1 }))).toBe("TOKEN_EXPIRED");
    expect(accessCode(fixtureToken(without(refresh, "sid")))).toBe("WRONG_TOKEN_TYPE");
  });
});

describe("required claims (INVALID_TOKEN)", () => {
  it.each(["sub", "sid", "jti", "iat", "email"])("rejects an access token without %s", (name) => {
    expect(accessCode(fixtureToken(without(access, name)))).toBe("INVALID_TOKEN");
  });

  it.each(["sub", "sid", "jti", "iat"])("rejects a refresh token without %s", (name) => {
    expect(refreshCode(fixtureToken(without(refresh, name)))).toBe("INVALID_TOKEN");
  });

  it.each([
    ["sub", ""],
    ["sub", 42],
    ["sid", ""],
    ["jti", ["a"]],
    ["iat", "1700000000"],
    ["email", 7],
  ])("rejects %s = %j", (name, value) => {
    expect(accessCode(fixtureToken({ ...access, [name]: value }))).toBe("INVALID_TOKEN");
  });
});

describe("garbage (INVALID_TOKEN)", () => {
  const header = encodeSegment({ alg: "HS256", typ: "JWT" });
  it.each([
    "",
    "garbage",
    "a.b",
    "a.b.c",
    "a.b.c.d",
    "...",
    `${header}.${encodeSegment(access)}`,
    `${encodeSegment("not json{")}.${encodeSegment(access)}.sig`,
    `${encodeSegment("null")}.${encodeSegment(access)}.sig`,
    fixtureToken('"a string payload"'),
    fixtureToken("[1,2,3]"),
    fixtureToken("null"),
  ])("rejects %j", (token) => {
    expect(accessCode(token)).toBe("INVALID_TOKEN");
  });

  it("rejects a correctly signed token longer than 8 KB without verifying it", () => {
    const padded = (size: number) => fixtureToken({ ...access, pad: "x".repeat(size) });
    const small = padded(5000);
    const large = padded(7000);
    expect(small.length).toBeLessThanOrEqual(8192);
    expect(tokens.verifyAccess(small).sub).toBe("user-1");
    expect(large.length).toBeGreaterThan(8192);
    expect(catchAuthError(() => tokens.verifyAccess(large)).cause).toBeUndefined();
    expect(accessCode(large)).toBe("INVALID_TOKEN");
  });
});
