// The median used for propagation times.
import { describe, expect, it } from "vitest";
import { median } from "./propagation";

describe("median", () => {
  it("takes the middle, or the mean of the two middles", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
