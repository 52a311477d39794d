import { describe, expect, it } from "vitest";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-limits";
import { checkPasswordPolicy } from "./password-policy";
import { catchAuthError } from "./testing/catch-auth-error";

const EMOJI = "😀"; // one code point, two UTF-16 units

describe("checkPasswordPolicy", () => {
  it("has the bounds 8 and 128", () => {
    expect([PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH]).toEqual([8, 128]);
  });

  it.each([
    ["8 ASCII", "a".repeat(8)],
    ["128 ASCII", "a".repeat(128)],
    ["8 emoji (16 UTF-16 units)", EMOJI.repeat(8)],
    ["128 emoji (256 UTF-16 units)", EMOJI.repeat(128)],
  ])("accepts %s", (_, password) => {
    expect(() => checkPasswordPolicy(password)).not.toThrow();
  });

  it.each([
    ["0", ""],
    ["7 ASCII", "a".repeat(7)],
    ["7 emoji (14 UTF-16 units)", EMOJI.repeat(7)],
  ])("rejects %s as too short", (_, password) => {
    const error = catchAuthError(() => checkPasswordPolicy(password));
    expect(error.code).toBe("WEAK_PASSWORD");
    expect(error.message).toBe("Password must be at least 8 characters.");
  });

  it.each([
    ["129 ASCII", "a".repeat(129)],
    ["129 emoji", EMOJI.repeat(129)],
    ["a megabyte", "a".repeat(1_000_000)],
  ])("rejects %s as too long", (_, password) => {
    const error = catchAuthError(() => checkPasswordPolicy(password));
    expect(error.code).toBe("WEAK_PASSWORD");
    expect(error.message).toBe("Password must be at most 128 characters.");
  });
});
