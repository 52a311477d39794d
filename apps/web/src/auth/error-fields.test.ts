// The fields a failed call blames: the ones the person can fix, and none otherwise.
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { errorFields } from "./error-fields";

function failure(appCode: string, data: Record<string, unknown> = {}) {
  return TRPCClientError.from({
    error: { code: -32600, message: "server text", data: { appCode, ...data } },
  });
}

describe("errorFields", () => {
  it("blames both credentials, since which one was wrong is never said", () => {
    expect(errorFields(failure("INVALID_CREDENTIALS"))).toEqual(["email", "password"]);
  });

  it("changing the password, blames the current one when wrong and the new one when weak", () => {
    expect(errorFields(failure("INVALID_CREDENTIALS"), "change-password")).toEqual([
      "currentPassword",
    ]);
    expect(errorFields(failure("WEAK_PASSWORD"), "change-password")).toEqual(["newPassword"]);
    expect(errorFields(failure("PASSWORD_UNCHANGED"), "change-password")).toEqual(["newPassword"]);
  });

  it("blames the password when weak and the email when taken", () => {
    expect(errorFields(failure("WEAK_PASSWORD"))).toEqual(["password"]);
    expect(errorFields(failure("GUESSABLE_PASSWORD"))).toEqual(["password"]);
    expect(errorFields(failure("GUESSABLE_PASSWORD"), "change-password")).toEqual(["newPassword"]);
    expect(errorFields(failure("EMAIL_TAKEN"))).toEqual(["email"]);
  });

  it("blames each field a validation issue names, once", () => {
    const issues = [
      { path: ["email"], message: "Enter a valid email address." },
      { path: ["name"], message: "Too long." },
      { path: ["email"], message: "Too long." },
      { path: [], message: "Unnamed." },
      { path: [0], message: "An array's." },
    ];
    expect(errorFields(failure("VALIDATION", { issues }))).toEqual(["email", "name"]);
    // A VALIDATION without issues (a NUL character found by the database): no field to mark.
    expect(errorFields(failure("VALIDATION"))).toEqual([]);
  });

  it("blames no field for what the form cannot fix", () => {
    for (const code of ["RATE_LIMITED", "SERVER_BUSY", "DB_UNAVAILABLE", "INTERNAL_SERVER_ERROR"]) {
      expect(errorFields(failure(code))).toEqual([]);
    }
    expect(errorFields(new TypeError("Failed to fetch"))).toEqual([]);
  });
});
