import { describe, expect, it } from "vitest";
import { changePasswordInput, emailInput, nameInput, registerInput } from "./input";

describe("input limits", () => {
  it("normalises email: trimmed and lower-cased", () => {
    expect(emailInput.parse("  Ada@Example.COM ")).toBe("ada@example.com");
  });

  it("refuses emails over 254 characters and non-emails", () => {
    expect(emailInput.safeParse(`${"a".repeat(243)}@example.com`).success).toBe(false);
    expect(emailInput.safeParse(`${"a".repeat(242)}@example.com`).success).toBe(true);
    expect(emailInput.safeParse("ada").success).toBe(false);
    expect(emailInput.safeParse("x".repeat(10_000)).success).toBe(false);
  });

  it("refuses names with control characters, text-direction controls or over 100 characters; empty becomes null", () => {
    expect(nameInput.safeParse("Ada\u0000").success).toBe(false);
    expect(nameInput.safeParse("Ada\nLovelace").success).toBe(false);
    for (const control of ["\u202A", "\u202E", "\u2066", "\u2069"]) {
      expect(nameInput.safeParse(`Bob${control}nimda`).error?.issues[0]?.message).toBe(
        "Name must not contain text-direction controls.",
      );
    }
    // Right-to-left names, and the marks and joiners that real names and emoji need, still pass.
    expect(nameInput.parse("\u05D3\u05D5\u05D3 \u200F(Dave)")).toBe(
      "\u05D3\u05D5\u05D3 \u200F(Dave)",
    );
    expect(nameInput.parse("Ada \u{1F469}\u200D\u{1F4BB}")).toBe("Ada \u{1F469}\u200D\u{1F4BB}");
    expect(nameInput.safeParse("n".repeat(101)).success).toBe(false);
    expect(nameInput.parse("  Ada Lovelace  ")).toBe("Ada Lovelace");
    expect(nameInput.parse("   ")).toBeNull();
  });

  it("refuses an unpaired surrogate in a name or a new password, where it would become U+FFFD", () => {
    for (const text of ["Ann\udfff", "\ud800Ann", "A\ud83dnn"]) {
      expect(nameInput.safeParse(text).error?.issues[0]?.message).toBe(
        "Name contains an invalid character (an unpaired UTF-16 surrogate).",
      );
      const password = `a long enough password ${text}`;
      expect(registerInput.safeParse({ email: "a@b.co", password }).success).toBe(false);
      expect(
        changePasswordInput.safeParse({ currentPassword: "x", newPassword: password }).success,
      ).toBe(false);
    }
    // Pairs are characters: emoji and other astral letters pass.
    expect(nameInput.parse("Ann \ud83d\ude00")).toBe("Ann \u{1F600}");
    expect(nameInput.parse("\u{10330}\u{10331}")).toBe("\u{10330}\u{10331}");
  });

  it("caps the raw password so a huge one never reaches the hasher, in the policy's words", () => {
    const huge = registerInput.safeParse({ email: "a@b.co", password: "p".repeat(10_000) });
    expect(huge.success).toBe(false);
    // Shown as it is by the web app: not the schema library's "Too big: expected string…".
    expect(huge.error?.issues[0]?.message).toBe("Password must be 8 to 128 characters.");
    const change = changePasswordInput.safeParse({
      currentPassword: "x",
      newPassword: "p".repeat(600),
    });
    expect(change.error?.issues[0]?.message).toBe("Password must be 8 to 128 characters.");
  });
});
