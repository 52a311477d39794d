import { describe, expect, it } from "vitest";
import { createSecretKey } from "./keys";
import { catchAuthError } from "./testing/catch-auth-error";
import { decodeSegment } from "./testing/fixture-token";
import { createTokenService, type TokenServiceConfig } from "./tokens";

const key = createSecretKey("a-secret-that-is-long-enough-for-hs256!!");
const user = { userId: "user-1", email: "ada@example.com", sessionId: "session-1" };
const NOW = 1_800_000_000_000;

function service(config: Partial<TokenServiceConfig> = {}) {
  return createTokenService({ key, accessTtl: 60, refreshTtl: 3600, now: () => NOW, ...config });
}

describe("issuer and audience", () => {
  it("are set on every token and required when configured", () => {
    const tokens = service({ issuer: "https://auth.example", audience: "api" });
    const { token } = tokens.issueAccess(user);
    expect(decodeSegment(token.split(".")[1])).toMatchObject({
      iss: "https://auth.example",
      aud: "api",
    });
    expect(tokens.verifyAccess(token).sub).toBe("user-1");
  });

  it("refuse a token from another issuer, for another audience, or without them", () => {
    const tokens = service({ issuer: "https://auth.example", audience: "api" });
    const strangers = [
      service({ issuer: "https://evil.example", audience: "api" }),
      service({ issuer: "https://auth.example", audience: "admin" }),
      service(),
    ];
    for (const stranger of strangers) {
      const token = stranger.issueAccess(user).token;
      expect(catchAuthError(() => tokens.verifyAccess(token)).code).toBe("INVALID_TOKEN");
    }
  });

  it("are neither set nor checked when not configured", () => {
    const token = service({ issuer: "https://auth.example" }).issueAccess(user).token;
    expect(service().verifyAccess(token).sub).toBe("user-1");
    expect(decodeSegment(service().issueAccess(user).token.split(".")[1])).not.toHaveProperty(
      "iss",
    );
  });
});

describe("clock leeway", () => {
  const issued = service().issueAccess(user).token;
  const at = (ms: number, clockLeeway?: number) =>
    createTokenService({ key, accessTtl: 60, refreshTtl: 3600, now: () => ms, clockLeeway });

  it("is 0 by default: a token is expired the second its exp is reached", () => {
    expect(catchAuthError(() => at(NOW + 60_000).verifyAccess(issued)).code).toBe("TOKEN_EXPIRED");
  });

  it("accepts a token up to the leeway past its exp, not after", () => {
    expect(at(NOW + 60_000 + 29_000, 30).verifyAccess(issued).sub).toBe("user-1");
    expect(catchAuthError(() => at(NOW + 60_000 + 31_000, 30).verifyAccess(issued)).code).toBe(
      "TOKEN_EXPIRED",
    );
  });

  it("is at most 60 seconds", () => {
    expect(() => at(NOW, 61)).toThrow(TypeError);
    expect(() => at(NOW, -1)).toThrow(TypeError);
    expect(() => at(NOW, 60)).not.toThrow();
  });
});
