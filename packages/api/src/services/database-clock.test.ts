import { describe, expect, it } from "vitest";
import { DatabaseClock } from "./database-clock";

describe("DatabaseClock", () => {
  it("knows nothing before a reading", () => {
    expect(new DatabaseClock().toDatabase(1_000)).toBeUndefined();
  });

  it("places the database's instant in the middle of the round trip", () => {
    const clock = new DatabaseClock();
    // Sent at 1000, answered at 1010, the database said 6005: 5000 ms ahead.
    clock.observe(6_005, 1_000, 1_010);
    expect(clock.toDatabase(2_000)).toBe(7_000);
    // A later reading replaces it (the database may have moved: a failover, a clock step).
    clock.observe(1_505, 1_500, 1_510);
    expect(clock.toDatabase(2_000)).toBe(2_000);
  });

  it("keeps no reading from a slow answer, nor a non-number", () => {
    const clock = new DatabaseClock();
    clock.observe(9_000, 1_000, 1_201);
    clock.observe(Number.NaN, 1_000, 1_001);
    expect(clock.toDatabase(2_000)).toBeUndefined();
  });
});
