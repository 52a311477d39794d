import type { SqlPool } from "@kit/db";
import { describe, expect, it } from "vitest";
import { clockWarning, DatabaseClock, databaseClockOf, rotationNow } from "./database-clock";

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

describe("rotationNow", () => {
  // Only the pool's identity matters here: it keys the readings.
  const pool = {} as SqlPool;

  it("is the process's clock until the database's was read, then whole ms on the database's", () => {
    const deps = { now: () => 10_000, pool };
    expect(rotationNow(deps)).toBe(10_000);
    // The database is 2.5 ms ahead by a reading made at this process's 1000–1001.
    databaseClockOf(pool).observe(1_003, 1_000, 1_001);
    expect(rotationNow(deps)).toBe(10_003);
    expect(rotationNow({ now: () => 10_000, pool: {} as SqlPool })).toBe(10_000);
  });
});

describe("clockWarning", () => {
  it("says nothing within 5 s, and which way and how far past it", () => {
    expect(clockWarning(undefined)).toBeNull();
    expect(clockWarning(5_000)).toBeNull();
    expect(clockWarning(-4_000)).toBeNull();
    expect(clockWarning(7_200_000)).toMatch(/this machine's clock is 7200 s behind the database's/);
    expect(clockWarning(-9_600)).toMatch(/this machine's clock is 10 s ahead of the database's/);
    expect(clockWarning(-9_600)).toMatch(/synchronise it \(NTP\)$/);
  });
});
