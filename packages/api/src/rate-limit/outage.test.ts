// The stand-in reports every call it answers, so the outage tracker never mistakes a call the
// memory answered for the store answering again.
import { afterEach, describe, expect, it, vi } from "vitest";
import { OutageTracker, PROBE_INTERVAL_MS, StandInLimiter } from "./outage";

afterEach(() => {
  vi.useRealTimers();
});

function setUp() {
  const lines: string[] = [];
  const tracker = new OutageTracker("postgres", (line) => lines.push(line));
  const standIn = new StandInLimiter({ keyPrefix: "test", points: 2, duration: 60 }, tracker);
  return { lines, tracker, standIn };
}

const calls: Record<string, (limiter: StandInLimiter) => Promise<unknown>> = {
  consume: (limiter) => limiter.consume("k"),
  get: (limiter) => limiter.get("k"),
  block: (limiter) => limiter.block("k", 10),
  delete: (limiter) => limiter.delete("k"),
  reward: (limiter) => limiter.reward("k"),
  penalty: (limiter) => limiter.penalty("k"),
  set: (limiter) => limiter.set("k", 1, 10),
};

describe("StandInLimiter", () => {
  it.each(Object.keys(calls))("%s answered from memory is reported as the outage", async (name) => {
    const { lines, tracker, standIn } = setUp();
    const call = calls[name];
    if (!call) throw new TypeError(name);
    await tracker.watch(() => call(standIn));
    await tracker.watch(() => call(standIn));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/postgres store failing/);
  });

  it("a call the store answers after an outage logs the recovery once", async () => {
    const { lines, tracker, standIn } = setUp();
    await tracker.watch(() => standIn.reward("k"));
    await tracker.watch(async () => "the store answered");
    await tracker.watch(async () => "the store answered");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/postgres store answering again/);
  });
});

describe("OutageTracker.skipStore: a failing store is tried by one call in a while", () => {
  it("sends calls to memory while failing, but one at a time after each interval", async () => {
    vi.useFakeTimers();
    const { lines, tracker, standIn } = setUp();
    expect(tracker.skipStore()).toBe(false);
    await tracker.watch(() => standIn.consume("k"));
    expect(tracker.skipStore()).toBe(true);
    vi.advanceTimersByTime(PROBE_INTERVAL_MS);
    expect(tracker.skipStore()).toBe(false);
    // This call tries the store; the others meanwhile go to memory, and are no news: the try
    // still counts as the store answering.
    let answer = (_value: string) => {};
    const trying = tracker.watch(() => new Promise<string>((resolve) => (answer = resolve)));
    expect(tracker.skipStore()).toBe(true);
    await standIn.instead((limiter) => limiter.consume("k"));
    answer("the store answered");
    await trying;
    expect(tracker.skipStore()).toBe(false);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/postgres store answering again/);
  });

  it("waits another interval after a try the store did not answer", async () => {
    vi.useFakeTimers();
    const { tracker, standIn } = setUp();
    await tracker.watch(() => standIn.consume("k"));
    vi.advanceTimersByTime(PROBE_INTERVAL_MS);
    // The store's limiter handed the call to its insurance: still failing.
    await tracker.watch(() => standIn.consume("k"));
    expect(tracker.skipStore()).toBe(true);
    vi.advanceTimersByTime(PROBE_INTERVAL_MS - 1);
    expect(tracker.skipStore()).toBe(true);
    vi.advanceTimersByTime(1);
    expect(tracker.skipStore()).toBe(false);
  });
});
