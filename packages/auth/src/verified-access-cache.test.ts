// The verified-access cache through the token service: a hit saves the signature check and
// nothing else — expiry, leeway, key retirement and every changed byte are still refused.
import { randomBytes } from "node:crypto";
import { getHeapSnapshot } from "node:v8";
import jsonwebtoken from "jsonwebtoken";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSecretKey } from "./keys";
import { catchAuthError } from "./testing/catch-auth-error";
import { createTokenService, type TokenServiceConfig } from "./tokens";
import { VerifiedAccessCache } from "./verified-access-cache";

const START = Date.parse("2027-01-01T00:00:00.250Z");
const ACCESS_TTL = 900;
const key = createSecretKey("a-test-secret-that-is-long-enough-32b");
const user = { userId: "user-1", email: "ada@example.com", sessionId: "session-1" };

function setUp(overrides: Partial<TokenServiceConfig> = {}) {
  const clock = { now: START };
  const tokens = createTokenService({
    key,
    accessTtl: ACCESS_TTL,
    refreshTtl: 3600,
    now: () => clock.now,
    verifiedAccessCacheSize: 10,
    ...overrides,
  });
  const verifications = vi.spyOn(jsonwebtoken, "verify");
  return { tokens, clock, verifications };
}

const reversed = (text: string) => [...text].reverse().join("");

/** Every string reachable in this process (a heap snapshot collects garbage first). */
async function heapText(): Promise<string> {
  const chunks: string[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(String(chunk));
  return chunks.join("");
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("verifyAccess with a verified-access cache", () => {
  it("verifies a token once, then answers the same claims from the cache", () => {
    const { tokens, verifications } = setUp();
    const { token, claims } = tokens.issueAccess({ ...user, custom: { role: "admin" } });
    expect(tokens.verifyAccess(token)).toEqual(claims);
    expect(tokens.verifyAccess(token)).toEqual(claims);
    expect(tokens.verifyAccess(token)).toEqual(claims);
    expect(verifications).toHaveBeenCalledTimes(1);
  });

  it("verifies every time without one (the default)", () => {
    const { tokens, verifications } = setUp({ verifiedAccessCacheSize: undefined });
    const { token } = tokens.issueAccess(user);
    tokens.verifyAccess(token);
    tokens.verifyAccess(token);
    expect(verifications).toHaveBeenCalledTimes(2);
  });

  it("still refuses a cached token once it expires, exactly when verifying would", () => {
    const { tokens, clock } = setUp();
    const { token, claims } = tokens.issueAccess(user);
    tokens.verifyAccess(token);
    clock.now = claims.exp * 1000 - 1;
    expect(tokens.verifyAccess(token)).toEqual(claims);
    clock.now = claims.exp * 1000;
    expect(catchAuthError(() => tokens.verifyAccess(token)).code).toBe("TOKEN_EXPIRED");
  });

  it("honours the clock leeway on a hit as on a miss", () => {
    const { tokens, clock } = setUp({ clockLeeway: 30 });
    const { token, claims } = tokens.issueAccess(user);
    tokens.verifyAccess(token);
    clock.now = (claims.exp + 29) * 1000 + 999;
    expect(tokens.verifyAccess(token).jti).toBe(claims.jti);
    clock.now = (claims.exp + 30) * 1000;
    expect(catchAuthError(() => tokens.verifyAccess(token)).code).toBe("TOKEN_EXPIRED");
  });

  it("refuses a cached token once the key that verified it retires", () => {
    const oldKey = createSecretKey("the-previous-secret-also-long-enough-32b");
    const retiresAt = START + 60_000;
    const clock = { now: START };
    const before = createTokenService({
      key: oldKey,
      accessTtl: ACCESS_TTL,
      refreshTtl: 3600,
      now: () => clock.now,
    });
    const { token } = before.issueAccess(user);
    const tokens = createTokenService({
      key,
      previousKeys: [{ key: oldKey, retiresAt }],
      accessTtl: ACCESS_TTL,
      refreshTtl: 3600,
      now: () => clock.now,
      verifiedAccessCacheSize: 10,
    });
    expect(tokens.verifyAccess(token).sub).toBe("user-1");
    clock.now = retiresAt - 1;
    expect(tokens.verifyAccess(token).sub).toBe("user-1");
    clock.now = retiresAt;
    expect(catchAuthError(() => tokens.verifyAccess(token)).code).toBe("INVALID_TOKEN");
  });

  it("verifies in full any token that differs by one character from a cached one", () => {
    const { tokens } = setUp();
    const { token } = tokens.issueAccess(user);
    tokens.verifyAccess(token);
    const last = token.at(-1) === "A" ? "B" : "A";
    const edited = `${token.slice(0, -1)}${last}`;
    expect(catchAuthError(() => tokens.verifyAccess(edited)).code).toBe("INVALID_TOKEN");
    expect(catchAuthError(() => tokens.verifyAccess(`${token}.`)).code).toBe("INVALID_TOKEN");
  });

  it("verifies in full a cached token's signature under another header or payload", () => {
    const { tokens, verifications } = setUp();
    const { token } = tokens.issueAccess(user);
    const mallory = tokens.issueAccess({ ...user, userId: "user-2" }).token;
    tokens.verifyAccess(token);
    const [, , signature] = token.split(".");
    const [header, payload] = mallory.split(".");
    verifications.mockClear();
    // Verified in full (and refused by the signature check), not taken for the cached token.
    expect(
      catchAuthError(() => tokens.verifyAccess(`${header}.${payload}.${signature}`)).code,
    ).toBe("INVALID_TOKEN");
    expect(verifications).toHaveBeenCalledTimes(1);
    for (const forged of [`x.${signature}`, `.${signature}`, `${signature}`]) {
      expect(catchAuthError(() => tokens.verifyAccess(forged)).code).toBe("INVALID_TOKEN");
    }
    // The real one still hits.
    verifications.mockClear();
    expect(tokens.verifyAccess(token).sub).toBe("user-1");
    expect(verifications).not.toHaveBeenCalled();
  });

  it("never caches a refusal: a refresh token is WRONG_TOKEN_TYPE every time", () => {
    const { tokens, verifications } = setUp();
    const { token } = tokens.issueRefresh({ userId: "user-1", sessionId: "session-1" });
    expect(catchAuthError(() => tokens.verifyAccess(token)).code).toBe("WRONG_TOKEN_TYPE");
    expect(catchAuthError(() => tokens.verifyAccess(token)).code).toBe("WRONG_TOKEN_TYPE");
    expect(verifications).toHaveBeenCalledTimes(2);
  });

  it("hands out frozen claims, so no caller can change what the next one gets", () => {
    for (const verifiedAccessCacheSize of [0, 10]) {
      const { tokens } = setUp({ verifiedAccessCacheSize });
      const { token } = tokens.issueAccess({ ...user, custom: { role: "user" } });
      const first = tokens.verifyAccess(token);
      expect(Object.isFrozen(first) && Object.isFrozen(first.custom)).toBe(true);
      expect(() => {
        first.email = "mallory@example.com";
      }).toThrow(TypeError);
      expect(() => {
        first.custom.role = "admin";
      }).toThrow(TypeError);
      const second = tokens.verifyAccess(token);
      expect(second.email).toBe("ada@example.com");
      expect(second.custom.role).toBe("user");
    }
  });

  it("holds at most its size, dropping the oldest token first", () => {
    const { tokens, verifications } = setUp({ verifiedAccessCacheSize: 2 });
    const [a, b, c] = [1, 2, 3].map(() => tokens.issueAccess(user).token) as [
      string,
      string,
      string,
    ];
    for (const token of [a, b, c]) tokens.verifyAccess(token);
    expect(verifications).toHaveBeenCalledTimes(3);
    tokens.verifyAccess(c);
    tokens.verifyAccess(b);
    expect(verifications).toHaveBeenCalledTimes(3);
    tokens.verifyAccess(a);
    expect(verifications).toHaveBeenCalledTimes(4);
  });
});

describe("VerifiedAccessCache", () => {
  it("files tokens by their signature's SHA-256", () => {
    const token = "header.payload.signature";
    const key = VerifiedAccessCache.keyOf(token);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).toBe(VerifiedAccessCache.keyOf("other.signed.signature"));
    expect(key).not.toBe(VerifiedAccessCache.keyOf("header.payload.signaturE"));
  });

  it("keeps the signed part of a token alive, and nothing of its signature", {
    timeout: 60_000,
  }, async () => {
    const cache = new VerifiedAccessCache(1);
    // The token exists only inside this call: afterwards only what the cache keeps is reachable.
    // The test keeps its parts reversed (distinctive random text, so a hit can only be theirs).
    const [signed, signature] = (() => {
      const parts = [
        `${randomBytes(24).toString("base64url")}.${randomBytes(48).toString("base64url")}`,
        randomBytes(32).toString("base64url"),
      ] as const;
      cache.set(parts.join("."), { exp: 2_000_000_000, custom: {} }, undefined, 0);
      return parts.map(reversed);
    })() as [string, string];
    const heap = await heapText();
    // Booleans: a failure prints the verdict, not a heap's worth of text.
    expect(heap.includes(reversed(signed).slice(0, 32)), "the signed part is kept").toBe(true);
    expect(heap.includes(reversed(signature).slice(0, 32)), "the signature is kept").toBe(false);
    expect(cache.size).toBe(1);
  });

  it("refuses a size that is not a whole number ≥ 0", () => {
    expect(() => new VerifiedAccessCache(-1)).toThrow(TypeError);
    expect(() => new VerifiedAccessCache(1.5)).toThrow(TypeError);
  });
});
