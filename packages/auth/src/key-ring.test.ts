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
