import { describe, expect, it } from "vitest";
import { isStorableTime } from "./storable-time";

describe("isStorableTime", () => {
  it("takes year 1 and later", () => {
    expect(isStorableTime(new Date("0001-01-01T00:00:00Z"))).toBe(true);
    expect(isStorableTime(new Date("2026-12-05T10:00:00Z"))).toBe(true);
  });

  it("refuses year 0 and earlier, and an invalid Date", () => {
    expect(isStorableTime(new Date("0000-12-31T23:59:59.999Z"))).toBe(false);
    expect(isStorableTime(new Date(-8.64e15))).toBe(false);
    expect(isStorableTime(new Date("not a time"))).toBe(false);
  });
});
