// The command line: defaults, --quick, --only, --target, and one-line refusals.
import { describe, expect, it } from "vitest";
import { parseOptions, TARGET_IDS } from "./options";

describe("parseOptions", () => {
  it("runs everything in three rounds of 5 s on 32 connections by default", () => {
    expect(parseOptions([])).toEqual({
      durationSec: 5,
      rounds: 3,
      pairs: 8,
      connections: 32,
      scenarios: ["sample", "me", "refresh", "login", "flood"],
      propagation: true,
      targets: [...TARGET_IDS],
      profile: undefined,
    });
  });

  it("reads --quick, --only, --target, --connections and pnpm's --", () => {
    const options = parseOptions([
      "--",
      "--quick",
      "--only",
      "me,propagation",
      "--target",
      "serve-pg",
      "--connections",
      "8",
    ]);
    expect(options).toMatchObject({
      durationSec: 3,
      rounds: 1,
      pairs: 2,
      connections: 8,
      scenarios: ["me"],
      propagation: true,
      targets: ["serve-pg"],
    });
  });

  it("takes --rounds", () => {
    expect(parseOptions(["--rounds", "5", "--duration", "2"])).toMatchObject({
      rounds: 5,
      durationSec: 2,
    });
    expect(() => parseOptions(["--rounds", "0"])).toThrow(/whole number/);
  });

  it("takes --pairs, 0 for none", () => {
    expect(parseOptions(["--pairs", "12"]).pairs).toBe(12);
    expect(parseOptions(["--pairs", "0"]).pairs).toBe(0);
    expect(() => parseOptions(["--pairs", "-1"])).toThrow(/whole number ≥ 0/);
    expect(() => parseOptions(["--pairs", ""])).toThrow(/whole number ≥ 0/);
  });

  it("takes a profile scenario", () => {
    expect(parseOptions(["--profile", "refresh"]).profile).toBe("refresh");
  });

  it("refuses unknown names and bad numbers", () => {
    expect(() => parseOptions(["--only", "nope"])).toThrow(/unknown "nope"/);
    expect(() => parseOptions(["--duration", "0"])).toThrow(/whole number/);
    expect(() => parseOptions(["--connections"])).toThrow(/needs a value/);
    expect(() => parseOptions(["--fast"])).toThrow(/unknown option/);
  });
});
