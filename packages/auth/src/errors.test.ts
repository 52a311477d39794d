import { describe, expect, it } from "vitest";
import { AuthError, isAuthError } from "./errors";

describe("AuthError", () => {
  it("carries its code, name, default message and cause", () => {
    const cause = new Error("library said no");
    const error = new AuthError("TOKEN_EXPIRED", undefined, { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("AuthError");
    expect(error.code).toBe("TOKEN_EXPIRED");
    expect(error.message).toBe("Token expired.");
    expect(error.cause).toBe(cause);
  });

  it("uses a given message over the default", () => {
    expect(new AuthError("WEAK_PASSWORD", "Too short.").message).toBe("Too short.");
    expect(new AuthError("TOKEN_REUSED").message).toBe(
      "Refresh token reuse detected; the session has been revoked.",
    );
  });

  it("isAuthError tells AuthError from other errors", () => {
    expect(isAuthError(new AuthError("INVALID_TOKEN"))).toBe(true);
    expect(isAuthError(new Error("Invalid token."))).toBe(false);
    expect(isAuthError({ name: "AuthError", code: "INVALID_TOKEN" })).toBe(false);
    expect(isAuthError(null)).toBe(false);
  });
});
