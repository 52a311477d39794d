import { createHash, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createKeyRing, keyId } from "./key-ring";
import { createSecretKey } from "./keys";
import { catchAuthError } from "./testing/catch-auth-error";
import { decodeSegment, encodeSegment, fixtureToken } from "./testing/fixture-token";
import { createTokenService } from "./tokens";

const oldKey = createSecretKey("the-old-secret-that-is-long-enough-32b!");
const newKey = createSecretKey("the-new-secret-that-is-long-enough-32b!");
const user = { userId: "user-1", email: "ada@example.com", sessionId: "session-1" };
const service = (key = newKey, previousKeys: (typeof oldKey)[] = []) =>
  createTokenService({ key, previousKeys, accessTtl: 900, refreshTtl: 3600 });

describe("keyId", () => {
  it("is stable for a key and differs between keys", () => {
    expect(keyId(newKey)).toBe(keyId(createSecretKey("the-new-secret-that-is-long-enough-32b!")));
    expect(keyId(newKey)).not.toBe(keyId(oldKey));
    expect(keyId(newKey)).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});

describe("rotating the signing secret", () => {
  it("keeps tokens of the previous key valid, and signs new ones with the new key", () => {
    const before = service(oldKey).issueAccess(user).token;
    const after = service(newKey, [oldKey]);
    expect(after.verifyAccess(before).sub).toBe("user-1");
    const fresh = after.issueAccess(user).token;
    expect(decodeSegment(fresh.split(".")[0])).toMatchObject({ kid: keyId(newKey) });
    // Once the old key is retired, its tokens are refused.
    expect(catchAuthError(() => service(newKey).verifyAccess(before)).code).toBe("INVALID_TOKEN");
  });

  it("refuses an unknown kid, and a kid that names another key than the one that signed", () => {
    const ring = service(newKey, [oldKey]);
    const token = service(oldKey).issueAccess(user).token;
    const [, payload, signature] = token.split(".");
    const relabel = (kid: unknown) =>
      `${encodeSegment({ alg: "HS256", typ: "JWT", kid })}.${payload}.${signature}`;
    expect(catchAuthError(() => ring.verifyAccess(relabel("nope"))).code).toBe("INVALID_TOKEN");
    expect(catchAuthError(() => ring.verifyAccess(relabel(42))).code).toBe("INVALID_TOKEN");
    expect(catchAuthError(() => ring.verifyAccess(relabel(keyId(newKey)))).code).toBe(
      "INVALID_TOKEN",
    );
  });

  it("checks a token without kid (issued before rotation was set up) against the signing key", () => {
    const ring = service(newKey, [oldKey]);
    const claims = ring.issueAccess(user).claims;
    const legacy = fixtureToken(
      { ...claims },
      { secret: "the-new-secret-that-is-long-enough-32b!" },
    );
    expect(ring.verifyAccess(legacy).jti).toBe(claims.jti);
  });

  it("ignores a previous key equal to the current one", () => {
    expect(createKeyRing(newKey, [newKey]).byKid.size).toBe(1);
  });
});

describe("retiring a previous key", () => {
  const retiresAt = Date.parse("2027-01-31T00:00:00Z");
  // A frozen clock the test moves by hand.
  let clock = retiresAt - 60_000;
  const now = () => clock;
  const withRetired = (retirement: Date | number | undefined) =>
    createTokenService({
      key: newKey,
      previousKeys: [{ key: oldKey, retiresAt: retirement }],
      accessTtl: 900,
      refreshTtl: 3600,
      now,
    });
  const tokenOf = (key: typeof oldKey) =>
    createTokenService({ key, accessTtl: 900, refreshTtl: 3600, now }).issueAccess(user).token;
  const oldToken = () => tokenOf(oldKey);

  it("verifies the previous key's tokens until retiresAt, and refuses them from then on", () => {
    clock = retiresAt - 60_000;
    const token = oldToken();
    const ring = withRetired(retiresAt);
    expect(ring.verifyAccess(token).sub).toBe("user-1");
    clock = retiresAt - 1;
    expect(ring.verifyAccess(token).sub).toBe("user-1");
    // The token itself has 14 minutes to live: the key's retirement alone refuses it.
    clock = retiresAt;
    expect(catchAuthError(() => ring.verifyAccess(token)).code).toBe("INVALID_TOKEN");
    clock = retiresAt + 1000;
    expect(catchAuthError(() => ring.verifyRefresh(token)).code).toBe("INVALID_TOKEN");
  });

  it("takes a Date as well as ms since the epoch", () => {
    clock = retiresAt - 1000;
    const token = oldToken();
    clock = retiresAt;
    const ring = withRetired(new Date(retiresAt));
    expect(catchAuthError(() => ring.verifyAccess(token)).code).toBe("INVALID_TOKEN");
  });

  it("says INVALID_TOKEN, not TOKEN_EXPIRED, for an expired token of a retired key", () => {
    clock = retiresAt - 3600_000;
    const token = oldToken();
    clock = retiresAt + 3600_000;
    expect(catchAuthError(() => withRetired(retiresAt).verifyAccess(token)).code).toBe(
      "INVALID_TOKEN",
    );
  });

  it("keeps a previous key without retiresAt verifying, and the signing key unaffected", () => {
    clock = retiresAt + 365 * 24 * 3600_000;
    const token = oldToken();
    expect(withRetired(undefined).verifyAccess(token).sub).toBe("user-1");
    const retired = withRetired(retiresAt);
    expect(retired.verifyAccess(retired.issueAccess(user).token).sub).toBe("user-1");
  });

  it("retires one previous key and not another", () => {
    const otherKey = createSecretKey("the-other-secret-that-is-long-enough-32b!");
    clock = retiresAt - 1000;
    const fromOld = oldToken();
    const fromOther = tokenOf(otherKey);
    const ring = createTokenService({
      key: newKey,
      previousKeys: [
        { key: oldKey, retiresAt },
        { key: otherKey, retiresAt: retiresAt + 3600_000 },
      ],
      accessTtl: 900,
      refreshTtl: 3600,
      now,
    });
    clock = retiresAt;
    expect(catchAuthError(() => ring.verifyAccess(fromOld)).code).toBe("INVALID_TOKEN");
    expect(ring.verifyAccess(fromOther).sub).toBe("user-1");
  });

  it("keeps each key's retirement on the ring, and none on the signing key", () => {
    const ring = createKeyRing(newKey, [{ key: oldKey, retiresAt: new Date(retiresAt) }, newKey]);
    expect(ring.signing.retiresAt).toBeUndefined();
    expect(ring.byKid.get(keyId(oldKey))?.retiresAt).toBe(retiresAt);
    expect(ring.byKid.size).toBe(2);
  });

  it("refuses a retiresAt that is not a time (a programmer mistake)", () => {
    expect(() => createKeyRing(newKey, [{ key: oldKey, retiresAt: new Date("soon") }])).toThrow(
      TypeError,
    );
    expect(() => createKeyRing(newKey, [{ key: oldKey, retiresAt: Number.NaN }])).toThrow(
      TypeError,
    );
  });
});

describe("keyId of an asymmetric key", () => {
  it("is the RFC 7638 thumbprint of the public key, the same from either half", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
    expect(keyId(publicKey)).toBe(createHash("sha256").update(canonical).digest("base64url"));
    expect(keyId(privateKey)).toBe(keyId(publicKey));
  });

  it("refuses two different keys under one kid", () => {
    const a = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const b = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(() =>
      createKeyRing(a.privateKey, [{ kid: "same", key: b.publicKey }], {
        algorithm: "ES256",
        kid: "same",
      }),
    ).toThrow(/share the kid "same"/);
  });
});
