// What the sign-in page says to someone whose session ended without their asking.
import { describe, expect, it } from "vitest";
import { ENDED_NOTICES, endedNoticeFor, endedNoticeText } from "./ended-notice";

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
