import { describe, expect, it } from "vitest";
import { keyId } from "./key-ring";
import { createSecretKey } from "./keys";
import { catchAuthError } from "./testing/catch-auth-error";
import { decodeSegment } from "./testing/fixture-token";
import { createTokenService, type TokenServiceConfig } from "./tokens";

const NOW_MS = 1_700_000_000_789; // a fixed instant, mid-second on purpose
const IAT = 1_700_000_000;
const ACCESS_TTL = 900;
const REFRESH_TTL = 604_800;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const key = createSecretKey("a-test-secret-that-is-long-enough-32b");

function service(overrides: Partial<TokenServiceConfig> = {}) {
  return createTokenService({
    key,
    accessTtl: ACCESS_TTL,
    refreshTtl: REFRESH_TTL,
    now: () => NOW_MS,
    ...overrides,
  });
}

const user = { userId: "user-1", email: "ada@example.com", sessionId: "session-1" };

describe("access tokens", () => {
  it("round-trips every claim", () => {
    const tokens = service();
    const { token, claims } = tokens.issueAccess(user);
    expect(claims).toEqual({
      sub: "user-1",
      email: "ada@example.com",
      sid: "session-1",
      jti: expect.stringMatching(UUID),
      iat: IAT,
      exp: IAT + ACCESS_TTL,
      type: "access",
      custom: {},
    });
    expect(tokens.verifyAccess(token)).toEqual(claims);
  });

  it("signs an app's own claims beside the kit's, and reads them back apart", () => {
    const tokens = service();
    const custom = { role: "admin", tenant: { id: 7 } };
    const { token, claims } = tokens.issueAccess({ ...user, custom });
    expect(claims.custom).toEqual(custom);
    const { custom: read, ...kit } = tokens.verifyAccess(token);
    expect(read).toEqual(custom);
    expect(kit).not.toHaveProperty("role");
    expect(decodeSegment(token.split(".")[1])).toMatchObject({ role: "admin", sub: "user-1" });
  });

  it("refuses an app's claim that would overwrite one of the kit's", () => {
    for (const name of ["sub", "exp", "type", "sid", "aud"]) {
      expect(() => service().issueAccess({ ...user, custom: { [name]: "x" } }), name).toThrow(
        TypeError,
      );
    }
  });

  it("gives every token its own jti", () => {
    const tokens = service();
    expect(tokens.issueAccess(user).claims.jti).not.toBe(tokens.issueAccess(user).claims.jti);
  });

  it("is an HS256 JWT typed at+jwt (RFC 9068): header {alg, typ, kid} and the claims as payload", () => {
    const { token, claims } = service().issueAccess(user);
    const [header, payload, signature] = token.split(".");
    expect(decodeSegment(header)).toEqual({ alg: "HS256", typ: "at+jwt", kid: keyId(key) });
    const { custom, ...kit } = claims;
    expect(custom).toEqual({});
    expect(decodeSegment(payload)).toEqual(kit);
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe("refresh tokens", () => {
  it("round-trips every claim, with no email", () => {
    const tokens = service();
    const { token, claims } = tokens.issueRefresh({ userId: "user-1", sessionId: "session-1" });
    expect(claims).toEqual({
      sub: "user-1",
      sid: "session-1",
      jti: expect.stringMatching(UUID),
      iat: IAT,
      exp: IAT + REFRESH_TTL,
      type: "refresh",
    });
    expect(tokens.verifyRefresh(token)).toEqual(claims);
    expect(decodeSegment(token.split(".")[1])).not.toHaveProperty("email");
  });

  it("keeps a given jti", () => {
    const { claims } = service().issueRefresh({ ...user, jti: "family-7" });
    expect(claims.jti).toBe("family-7");
  });

  it("caps exp at notAfter, and only when notAfter comes first", () => {
    const tokens = service();
    const capped = tokens.issueRefresh({ ...user, notAfter: IAT + 100 });
    expect(capped.claims.exp).toBe(IAT + 100);
    expect(tokens.verifyRefresh(capped.token).exp).toBe(IAT + 100);
    const uncapped = tokens.issueRefresh({ ...user, notAfter: IAT + REFRESH_TTL + 1 });
    expect(uncapped.claims.exp).toBe(IAT + REFRESH_TTL);
  });

  it("re-creates the identical token from the same claims and issuedAt", () => {
    let now = NOW_MS;
    const tokens = service({ now: () => now });
    const first = tokens.issueRefresh({ ...user, jti: "jti-1", notAfter: IAT + 10_000 });
    now += 5_000;
    const again = tokens.issueRefresh({
      ...user,
      jti: "jti-1",
      notAfter: IAT + 10_000,
      issuedAt: first.claims.iat,
    });
    expect(again.token).toBe(first.token);
    const later = tokens.issueRefresh({ ...user, jti: "jti-1", notAfter: IAT + 10_000 });
    expect(later.token).not.toBe(first.token);
  });

  it("ends an access token with its session: exp capped at notAfter, none once it has passed", () => {
    const tokens = service();
    const capped = tokens.issueAccess({ ...user, notAfter: IAT + 100 });
    expect(capped.claims.exp).toBe(IAT + 100);
    expect(tokens.verifyAccess(capped.token).exp).toBe(IAT + 100);
    expect(tokens.issueAccess({ ...user, notAfter: IAT + ACCESS_TTL + 1 }).claims.exp).toBe(
      IAT + ACCESS_TTL,
    );
    expect(catchAuthError(() => tokens.issueAccess({ ...user, notAfter: IAT })).code).toBe(
      "TOKEN_EXPIRED",
    );
  });

  it("refuses to issue when notAfter has already passed", () => {
    expect(catchAuthError(() => service().issueRefresh({ ...user, notAfter: IAT })).code).toBe(
      "TOKEN_EXPIRED",
    );
  });
});

describe("expiry", () => {
  it("is valid up to the last millisecond before exp and expired at exp exactly", () => {
    let now = NOW_MS;
    const tokens = service({ now: () => now });
    const { token, claims } = tokens.issueAccess(user);
    now = claims.exp * 1000 - 1;
    expect(tokens.verifyAccess(token).exp).toBe(claims.exp);
    now = claims.exp * 1000;
    expect(catchAuthError(() => tokens.verifyAccess(token)).code).toBe("TOKEN_EXPIRED");
  });

  it("applies the notAfter cap at verification", () => {
    let now = NOW_MS;
    const tokens = service({ now: () => now });
    const { token } = tokens.issueRefresh({ ...user, notAfter: IAT + 60 });
    now = (IAT + 60) * 1000;
    expect(catchAuthError(() => tokens.verifyRefresh(token)).code).toBe("TOKEN_EXPIRED");
  });

  it("passes a refresh token up to expiredFor seconds past exp only when asked to", () => {
    let now = NOW_MS;
    const tokens = service({ now: () => now, clockLeeway: 2 });
    const { token, claims } = tokens.issueRefresh(user);
    // Past exp and the leeway by 5 s: expired, unless the caller takes at least that.
    now = (claims.exp + 2 + 5) * 1000;
    expect(catchAuthError(() => tokens.verifyRefresh(token)).code).toBe("TOKEN_EXPIRED");
    expect(catchAuthError(() => tokens.verifyRefresh(token, { expiredFor: 5 })).code).toBe(
      "TOKEN_EXPIRED",
    );
    expect(tokens.verifyRefresh(token, { expiredFor: 6 }).jti).toBe(claims.jti);
    for (const expiredFor of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => tokens.verifyRefresh(token, { expiredFor })).toThrow(TypeError);
    }
  });
});

describe("token kinds", () => {
  it("rejects an access token presented as a refresh token", () => {
    const tokens = service();
    const { token } = tokens.issueAccess(user);
    expect(catchAuthError(() => tokens.verifyRefresh(token)).code).toBe("WRONG_TOKEN_TYPE");
  });

  it("rejects a refresh token presented as an access token", () => {
    const tokens = service();
    const { token } = tokens.issueRefresh(user);
    expect(catchAuthError(() => tokens.verifyAccess(token)).code).toBe("WRONG_TOKEN_TYPE");
  });
});

describe("device markers", () => {
  it("round-trip the user and device id, and keep a given device id", () => {
    const tokens = service();
    const fresh = tokens.issueDevice({ userId: "user-1", ttl: 3600 });
    expect(fresh.claims).toEqual({
      sub: "user-1",
      did: expect.stringMatching(UUID),
      iat: IAT,
      exp: IAT + 3600,
      type: "device",
    });
    expect(tokens.verifyDevice(fresh.token)).toEqual(fresh.claims);
    const renewed = tokens.issueDevice({ userId: "user-1", deviceId: fresh.claims.did, ttl: 60 });
    expect(tokens.verifyDevice(renewed.token).did).toBe(fresh.claims.did);
  });

  it("are no access or refresh token, and neither is a marker", () => {
    const tokens = service();
    const marker = tokens.issueDevice({ userId: "user-1", ttl: 3600 }).token;
    expect(catchAuthError(() => tokens.verifyAccess(marker)).code).toBe("WRONG_TOKEN_TYPE");
    expect(catchAuthError(() => tokens.verifyRefresh(marker)).code).toBe("WRONG_TOKEN_TYPE");
    const refresh = tokens.issueRefresh(user).token;
    expect(catchAuthError(() => tokens.verifyDevice(refresh)).code).toBe("WRONG_TOKEN_TYPE");
  });

  it("expire, and do not verify under another key", () => {
    let now = NOW_MS;
    const tokens = service({ now: () => now });
    const marker = tokens.issueDevice({ userId: "user-1", ttl: 60 }).token;
    const other = service({ key: createSecretKey("another-secret-that-is-long-enough-32") });
    expect(catchAuthError(() => other.verifyDevice(marker)).code).toBe("INVALID_TOKEN");
    now = (IAT + 61) * 1000;
    expect(catchAuthError(() => tokens.verifyDevice(marker)).code).toBe("TOKEN_EXPIRED");
  });
});

describe("createTokenService", () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects a ttl of %s", (ttl) => {
    expect(() => service({ accessTtl: ttl })).toThrow(TypeError);
    expect(() => service({ refreshTtl: ttl })).toThrow(TypeError);
  });

  it("rejects a key that is not a secret KeyObject", () => {
    expect(() => service({ key: "a".repeat(64) as never })).toThrow(TypeError);
  });

  it("rejects empty ids when issuing", () => {
    const tokens = service();
    expect(() => tokens.issueAccess({ ...user, userId: "" })).toThrow(TypeError);
    expect(() => tokens.issueRefresh({ ...user, sessionId: "" })).toThrow(TypeError);
    expect(() => tokens.issueRefresh({ ...user, notAfter: 1.5 })).toThrow(TypeError);
  });

  it("uses Date.now when no clock is given", () => {
    const before = Math.floor(Date.now() / 1000);
    const { claims } = createTokenService({ key, accessTtl: 60, refreshTtl: 120 }).issueAccess(
      user,
    );
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});
