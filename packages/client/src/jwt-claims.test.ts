// Reading exp/iat without verification, and when a token is due for refresh.
import { describe, expect, it } from "vitest";
import { hasExpired, readJwtTimes, refreshDue } from "./jwt-claims";
import { fakeJwt } from "./testing/fake-server";

describe("readJwtTimes", () => {
  it("reads exp and iat from a base64url payload", () => {
    expect(readJwtTimes(fakeJwt({ exp: 2000, iat: 1000, name: "ü?>" }))).toEqual({
      exp: 2000,
      iat: 1000,
    });
    expect(readJwtTimes(fakeJwt({ exp: 2000 }))).toEqual({ exp: 2000, iat: null });
  });

  it.each([
    ["an opaque token", "opaque-token"],
    ["two parts", "a.b"],
    ["a payload that is not base64", "a.!!!.c"],
    ["a payload that is not JSON", `a.${btoa("nope")}.c`],
    ["no exp", fakeJwt({ iat: 1 })],
    ["a string exp", fakeJwt({ exp: "2000" })],
  ])("returns null for %s", (_, token) => {
    expect(readJwtTimes(token)).toBeNull();
  });
});

describe("refreshDue and hasExpired", () => {
  const times = { exp: 10_000, iat: 10_000 - 1800 };

  it("is due within the skew, not before", () => {
    expect(refreshDue(times, 10_000 - 61, 60)).toBe(false);
    expect(refreshDue(times, 10_000 - 60, 60)).toBe(true);
    expect(refreshDue(times, 10_001, 60)).toBe(true);
  });

  it("caps the margin at half the lifetime for tokens shorter than the skew", () => {
    const short = { exp: 1030, iat: 1000 };
    expect(refreshDue(short, 1000, 60)).toBe(false);
    expect(refreshDue(short, 1015, 60)).toBe(true);
  });

  it("is expired from the exp second on, as the server sees it", () => {
    expect(hasExpired(times, 9_999)).toBe(false);
    expect(hasExpired(times, 10_000)).toBe(true);
  });
});
