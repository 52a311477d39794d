import { describe, expect, it } from "vitest";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-limits";
import { checkPasswordPolicy } from "./password-policy";

const EMOJI = "😀"; // one code point, two UTF-16 units
const TWO_EMOJI = "😀🐙";
const UNCOMMON = "kq3vx9wz";

describe("checkPasswordPolicy", () => {
  it("has the bounds 8 and 128", () => {
    expect([PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH]).toEqual([8, 128]);
  });

  it.each([
    ["8 ASCII", UNCOMMON],
    ["128 ASCII", UNCOMMON.repeat(16)],
    ["8 emoji (16 UTF-16 units)", TWO_EMOJI.repeat(4)],
    ["128 emoji (256 UTF-16 units)", TWO_EMOJI.repeat(64)],
  ])("accepts %s", async (_, password) => {
    await expect(checkPasswordPolicy(password)).resolves.toBeUndefined();
  });

  it.each([
    ["0", ""],
    ["7 ASCII", "a".repeat(7)],
    ["7 emoji (14 UTF-16 units)", EMOJI.repeat(7)],
  ])("rejects %s as too short", async (_, password) => {
    await expect(checkPasswordPolicy(password)).rejects.toMatchObject({
      code: "WEAK_PASSWORD",
      message: "Password must be at least 8 characters.",
    });
  });

  it.each([
    ["129 ASCII", "a".repeat(129)],
    ["129 emoji", EMOJI.repeat(129)],
    ["a megabyte", "a".repeat(1_000_000)],
  ])("rejects %s as too long", async (_, password) => {
    await expect(checkPasswordPolicy(password)).rejects.toMatchObject({
      code: "WEAK_PASSWORD",
      message: "Password must be at most 128 characters.",
    });
  });

  it.each([
    ["a common password", "password1", "it is one of the most common passwords"],
    ["a common password in another case", "PassWord1", "it is one of the most common passwords"],
    ["the list's most common long one", "12345678", "it is one of the most common passwords"],
    // Judged as it is hashed: full-width letters are the plain ones.
    [
      "a common password in full-width letters",
      "ｐａｓｓｗｏｒｄ１",
      "it is one of the most common passwords",
    ],
    ["one character repeated", "zzzzzzzzzz", "it is one character repeated"],
    ["one emoji repeated", EMOJI.repeat(8), "it is one character repeated"],
  ])("refuses %s as guessable", async (_, password, why) => {
    await expect(checkPasswordPolicy(password)).rejects.toMatchObject({
      code: "GUESSABLE_PASSWORD",
      message: `This password is too easy to guess: ${why}.`,
    });
  });

  it("refuses the owner's email, or the part before its @, in any case", async () => {
    const owner = { email: "Jane.Doe.Smith@example.com" };
    for (const password of ["jane.doe.smith@example.com", "JANE.DOE.SMITH"]) {
      await expect(checkPasswordPolicy(password, owner)).rejects.toMatchObject({
        code: "GUESSABLE_PASSWORD",
        message: "This password is too easy to guess: it is the account's email address.",
      });
    }
    await expect(
      checkPasswordPolicy("jane.doe.smith", { email: "other@example.com" }),
    ).resolves.toBeUndefined();
    await expect(checkPasswordPolicy("jane.doe.smith!", owner)).resolves.toBeUndefined();
  });

  it("checks length first: a short common password is too short", async () => {
    await expect(checkPasswordPolicy("123456")).rejects.toMatchObject({ code: "WEAK_PASSWORD" });
  });
});
