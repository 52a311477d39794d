// What the log says about cancelled statements, over time: the first at once, then a count at
// most once per window while they go on, and the first again after a quiet window.
import { EventEmitter } from "node:events";
import type pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cancelAbandonedStatements } from "./abandoned-statements";
import { QUERY_READ_TIMEOUT } from "./query-read-timeout";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A pool whose `release` events the test emits; no backend key, so no cancel is sent. */
function poolReporting(lines: string[]) {
  const pool = new EventEmitter() as unknown as pg.Pool;
  cancelAbandonedStatements(pool, 1000, { log: (line) => lines.push(line), everyMs: 10_000 });
  const client = { readyForQuery: true, processID: null, secretKey: null };
  return {
    gaveUp: () => pool.emit("release", new Error(QUERY_READ_TIMEOUT), client),
    failed: () => pool.emit("release", new Error("division by zero"), client),
    answered: () => pool.emit("release", undefined, client),
  };
}

describe("the cancel report", () => {
  it("says the first at once, then counts the rest once per window", () => {
    const lines: string[] = [];
    const pool = poolReporting(lines);
    pool.gaveUp();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^a statement the database did not answer in time was cancelled/);
    for (let i = 0; i < 5; i += 1) pool.gaveUp();
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    expect(lines[1]).toBe("5 more statements cancelled in the last 10 s");
    pool.gaveUp();
    vi.advanceTimersByTime(10_000);
    expect(lines[2]).toBe("1 more statement cancelled in the last 10 s");
    expect(lines).toHaveLength(3);
  });

  it("after a window with none, says the next as a first again", () => {
    const lines: string[] = [];
    const pool = poolReporting(lines);
    pool.gaveUp();
    vi.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(60_000);
    pool.gaveUp();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(lines[0]);
  });

  it("says nothing of statements answered or refused by the server", () => {
    const lines: string[] = [];
    const pool = poolReporting(lines);
    pool.answered();
    pool.failed();
    vi.advanceTimersByTime(20_000);
    expect(lines).toEqual([]);
  });
});
