import { describe, expect, it, vi } from "vitest";
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

// The production build of a Next.js app holds a workspace package once per bundle: an error made
// by one copy of this module must be recognised by another (the bug behind 500s for 401s).
describe("AuthError across copies of the module", () => {
  async function freshCopy(): Promise<typeof import("./errors")> {
    vi.resetModules();
    return import("./errors");
  }

  it("is recognised by isAuthError and instanceof of another copy", async () => {
    const other = await freshCopy();
    expect(other.AuthError).not.toBe(AuthError);
    const thrown = new other.AuthError("WRONG_TOKEN_TYPE");
    expect(isAuthError(thrown)).toBe(true);
    expect(thrown instanceof AuthError).toBe(true);
    expect(other.isAuthError(new AuthError("INVALID_TOKEN"))).toBe(true);
  });

  it("is not faked by an object without the brand, nor by a branded one with an unknown code", () => {
    const brand = Symbol.for("@kit/auth.AuthError");
    expect({ name: "AuthError", code: "INVALID_TOKEN" } instanceof AuthError).toBe(false);
    expect(isAuthError({ [brand]: true, code: "NOT_A_CODE" })).toBe(false);
    expect(new Error("x") instanceof AuthError).toBe(false);
  });

  it("keeps the ordinary check for subclasses", () => {
    class Special extends AuthError {}
    expect(new Special("INVALID_TOKEN") instanceof Special).toBe(true);
    expect(new Special("INVALID_TOKEN") instanceof AuthError).toBe(true);
    expect(new AuthError("INVALID_TOKEN") instanceof Special).toBe(false);
  });
});
