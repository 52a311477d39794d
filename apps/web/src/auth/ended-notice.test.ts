// What the sign-in page says to someone whose session ended without their asking.
import { describe, expect, it } from "vitest";
import {
  ENDED_NOTICES,
  endedNoticeFor,
  endedNoticeForCookie,
  endedNoticeText,
  signInPathFor,
} from "./ended-notice";

describe("endedNoticeFor", () => {
  it("says nothing to someone who signed out, or who had no session", () => {
    expect(endedNoticeFor("SIGN_OUT")).toBeNull();
    expect(endedNoticeFor("ACCOUNT_CHANGED")).toBeNull();
    expect(endedNoticeFor(null)).toBeNull();
  });

  it("tells a reused sign-in from a revoked or expired session", () => {
    expect(endedNoticeFor("TOKEN_REUSED")).toBe("reused");
    expect(endedNoticeFor("TOKEN_REVOKED")).toBe("ended");
    expect(endedNoticeFor("USER_NOT_FOUND")).toBe("ended");
    expect(endedNoticeFor("INVALID_TOKEN")).toBe("ended");
    expect(endedNoticeFor("TOKEN_EXPIRED")).toBe("expired");
    expect(endedNoticeFor("MISSING_TOKEN")).toBe("expired");
  });
});

describe("endedNoticeText", () => {
  it("gives the sentence for each of its own values", () => {
    for (const [value, text] of Object.entries(ENDED_NOTICES)) {
      expect(endedNoticeText(value)).toBe(text);
    }
  });

  it("shows nothing from the URL that is not one of them", () => {
    for (const value of ["", "Ended", "<b>hi</b>", "__proto__", "toString", ["ended"], undefined]) {
      expect(endedNoticeText(value)).toBeNull();
    }
  });
});

describe("endedNoticeForCookie", () => {
  it("tells only what the cookie proves: a session over or run out", () => {
    expect(endedNoticeForCookie("TOKEN_REVOKED")).toBe("ended");
    expect(endedNoticeForCookie("USER_NOT_FOUND")).toBe("ended");
    expect(endedNoticeForCookie("TOKEN_EXPIRED")).toBe("expired");
    // A visitor, another app's cookie, and a stale token that only a refresh can judge.
    for (const refused of [null, "INVALID_TOKEN", "WRONG_TOKEN_TYPE", "TOKEN_REUSED"] as const) {
      expect(endedNoticeForCookie(refused)).toBeNull();
    }
  });

  it("adds the notice to the sign-in path, and nothing else changes", () => {
    expect(signInPathFor("/dashboard", "TOKEN_REVOKED")).toBe("/login?next=/dashboard&ended=ended");
    expect(signInPathFor("/admin", "TOKEN_EXPIRED")).toBe("/login?next=/admin&ended=expired");
    expect(signInPathFor("/dashboard", null)).toBe("/login?next=/dashboard");
  });
});
