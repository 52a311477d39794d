import { describe, expect, it } from "vitest";
import { shareAnswer } from "./shared-answer";

/** An `ask` whose calls are counted and each settled by hand. */
function controlledAsk() {
  const pending: { resolve: (value: number) => void; reject: (error: Error) => void }[] = [];
  const ask = () =>
    new Promise<number>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return { ask, pending };
}

describe("shareAnswer", () => {
  it("runs one call for every caller that arrives while it runs", async () => {
    const { ask, pending } = controlledAsk();
    const shared = shareAnswer(ask, 1000, () => 0);
    const answers = [shared(), shared(), shared()];
    expect(pending).toHaveLength(1);
    pending[0]?.resolve(7);
    expect(await Promise.all(answers)).toEqual([7, 7, 7]);
  });

  it("reuses an answer until reuseMs after it arrived, then asks again", async () => {
    const { ask, pending } = controlledAsk();
    let clock = 0;
    const shared = shareAnswer(ask, 1000, () => clock);
    const first = shared();
    clock = 5000; // the call took 5 s: reuse counts from its answer, not from its start
    pending[0]?.resolve(1);
    await first;
    clock = 5999;
    expect(await shared()).toBe(1);
    expect(pending).toHaveLength(1);
    clock = 6000;
    const second = shared();
    expect(pending).toHaveLength(2);
    pending[1]?.resolve(2);
    expect(await second).toBe(2);
  });

  it("hands a rejection to the callers waiting for it, and never reuses it", async () => {
    const { ask, pending } = controlledAsk();
    const shared = shareAnswer(ask, 1000, () => 0);
    const waiting = [shared(), shared()];
    pending[0]?.reject(new Error("down"));
    for (const answer of waiting) await expect(answer).rejects.toThrow("down");
    const next = shared();
    expect(pending).toHaveLength(2);
    pending[1]?.resolve(3);
    expect(await next).toBe(3);
  });
});
