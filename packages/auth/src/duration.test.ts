import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration";

describe("parseDuration", () => {
  it.each([
    ["45s", 45],
    ["30m", 1800],
    ["12h", 43_200],
    ["7d", 604_800],
    ["2w", 1_209_600],
    ["900", 900],
    ["1", 1],
    ["  15m  ", 900],
    ["3650d", 315_360_000],
  ])("parses %j as %i seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([
    "",
    "   ",
    "0",
    "0s",
    "-5m",
    "1.5h",
    "15 m",
    "15M",
    "15ms",
    "1y",
    "m",
    "abc",
    "3651d",
    "9".repeat(40),
  ])("rejects %j with a TypeError naming it", (text) => {
    expect(() => parseDuration(text)).toThrow(TypeError);
    expect(() => parseDuration(text)).toThrow(JSON.stringify(text));
  });

  it("takes zero in any unit only when asked to (a setting that 0 switches off)", () => {
    for (const text of ["0", "0s", "0d", " 0w "])
      expect(parseDuration(text, { zero: true })).toBe(0);
    expect(parseDuration("15m", { zero: true })).toBe(900);
    for (const text of ["-0", "0y", "3651d", "0.0"]) {
      expect(() => parseDuration(text, { zero: true })).toThrow(JSON.stringify(text));
    }
  });
});
