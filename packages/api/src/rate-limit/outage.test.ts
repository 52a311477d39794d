// The stand-in reports every call it answers, so the outage tracker never mistakes a call the
// memory answered for the store answering again.
import { describe, expect, it } from "vitest";
import { OutageTracker, StandInLimiter } from "./outage";

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
