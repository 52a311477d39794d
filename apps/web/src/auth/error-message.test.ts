// The messages people read for each appCode, and the wait a 429 asks for.
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { errorMessage, formatWait } from "./error-message";

function failure(
  appCode: string,
  message = "server text",
  headers: HeadersInit = {},
  data: Record<string, unknown> = {},
) {
  return TRPCClientError.from(
    { error: { code: -32600, message, data: { appCode, ...data } } },
    { meta: { response: new Response(null, { status: 400, headers }) } },
  );
}

describe("errorMessage", () => {
  it("says what the admin page's refusals mean, where trying again cannot help", () => {
    expect(errorMessage(failure("ADMIN_REQUIRED"))).toBe(
      "Your account is no longer an administrator's. Reload the page.",
    );
    expect(errorMessage(failure("ACCOUNT_NOT_FOUND"))).toBe(
      "That account no longer exists. Reload the page.",
    );
    expect(errorMessage(failure("SELF_DEACTIVATION"))).toBe(
      "You cannot deactivate your own account.",
    );
    expect(errorMessage(failure("LIMITER_UNAVAILABLE"))).toMatch(/cannot be reached right now/);
  });

  it("never says which of email or password was wrong", () => {
    expect(errorMessage(failure("INVALID_CREDENTIALS"), "sign-in")).toBe(
      "Wrong email or password.",
    );
    expect(errorMessage(failure("INVALID_CREDENTIALS"), "change-password")).toBe(
      "The current password is wrong.",
    );
  });

  it("gives the wait from Retry-After when rate limited", () => {
    expect(errorMessage(failure("RATE_LIMITED", "x", { "retry-after": "42" }))).toBe(
      "Too many attempts. Try again in 42 seconds.",
    );
    expect(errorMessage(failure("RATE_LIMITED", "x", { "retry-after": "900" }))).toBe(
      "Too many attempts. Try again in 15 minutes.",
    );
    expect(errorMessage(failure("RATE_LIMITED"))).toBe("Too many attempts. Try again later.");
  });

  it("asks for another try when the server is too busy to check a password", () => {
    expect(errorMessage(failure("SERVER_BUSY", "x", { "retry-after": "1" }), "sign-in")).toBe(
      "The server is busy right now. Try again in a moment.",
    );
  });

  it("says the server cannot be reached, not that anything failed, when its database is down", () => {
    const down = failure("DB_UNAVAILABLE", "x", { "retry-after": "5" });
    expect(errorMessage(down, "sign-in")).toBe(
      "Can't reach the server right now. Try again in a moment.",
    );
    expect(errorMessage(down)).toBe(errorMessage(down, "sign-in"));
  });

  it("explains a weak password and a taken email", () => {
    expect(errorMessage(failure("WEAK_PASSWORD"))).toBe(
      "Choose a password of 8 to 128 characters.",
    );
    expect(errorMessage(failure("EMAIL_TAKEN"))).toContain("already exists");
  });

  it("asks for a new password that differs from the current one", () => {
    expect(errorMessage(failure("PASSWORD_UNCHANGED"), "change-password")).toBe(
      "The new password must differ from the current one.",
    );
  });

  it("says why a password is too easy to guess, in the kit's own words", () => {
    const why = "This password is too easy to guess: it is one of the most common passwords.";
    expect(errorMessage(failure("GUESSABLE_PASSWORD", why), "register")).toBe(why);
  });

  it("shows the validation issues' own messages", () => {
    const issues = [
      { path: ["email"], message: "Enter a valid email address." },
      { path: ["name"], message: "Name must be at most 100 characters." },
    ];
    expect(errorMessage(failure("VALIDATION", "email: …", {}, { issues }))).toBe(
      "Enter a valid email address. Name must be at most 100 characters.",
    );
    expect(errorMessage(failure("VALIDATION", "Text cannot contain NUL characters."))).toBe(
      "Please check the form and try again.",
    );
  });

  it("does not echo server text for the kit's and tRPC's other codes", () => {
    expect(errorMessage(failure("INTERNAL_SERVER_ERROR", "db exploded"))).toBe(
      "Something went wrong. Please try again.",
    );
    for (const code of ["NOT_FOUND", "CSRF_REJECTED", "TOKEN_REUSED", "CLIENT_CLOSED_REQUEST"]) {
      expect(errorMessage(failure(code, "library text"))).toBe(
        "Something went wrong. Please try again.",
      );
    }
    expect(errorMessage(new TypeError("Failed to fetch"))).toContain("Could not reach");
  });

  it("shows the message of a code the app declared itself (AppErrorCodes), written to be read", () => {
    expect(errorMessage(failure("NOTE_NOT_FOUND", "No such note."))).toBe("No such note.");
    expect(errorMessage(failure("PLAN_LIMIT", "Your plan holds 10 notes."), "other")).toBe(
      "Your plan holds 10 notes.",
    );
  });
});

describe("formatWait", () => {
  it("uses seconds up to a minute and a half, then whole minutes", () => {
    expect(formatWait(1)).toBe("1 second");
    expect(formatWait(89)).toBe("89 seconds");
    expect(formatWait(90)).toBe("2 minutes");
  });
});
