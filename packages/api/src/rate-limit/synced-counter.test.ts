// The refresh budget decided in memory and synced: exact on one instance, shared across
// instances within one sync interval, nothing lost on close or when the store fails.
import { RateLimiterMemory } from "rate-limiter-flexible";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RateLimitedError } from "../errors";
import type { OpenStore } from "./store";
import { SyncedCounter, spendSynced } from "./synced-counter";

const SPEC = { name: "refresh", points: 3, duration: 60 };
const SYNC_MS = 1000;

let store: RateLimiterMemory;
const counters: SyncedCounter[] = [];
beforeEach(() => {
  vi.useFakeTimers();
  store = new RateLimiterMemory({
    keyPrefix: SPEC.name,
    points: SPEC.points,
    duration: SPEC.duration,
  });
});
afterEach(async () => {
  await Promise.all(counters.splice(0).map((counter) => counter.close()));
  vi.useRealTimers();
});

function instance(shared = store, run: OpenStore["run"] = (counter, call) => call(counter)) {
  const counter = new SyncedCounter(SPEC, shared, run, { syncMs: SYNC_MS });
  counters.push(counter);
  return counter;
}

/** Points the store has counted for `key`. */
async function stored(key: string): Promise<number> {
  return (await store.get(key))?.consumedPoints ?? 0;
}

describe("one instance", () => {
  it("admits the budget, then refuses with the time left in the window, then a new window", async () => {
    const counter = instance();
    for (let i = 0; i < 3; i += 1) expect(counter.spend("a")).toBeNull();
    // Refused while the points are on their way to the store too.
    expect(counter.spend("a")).toBe(60_000);
    await vi.advanceTimersByTimeAsync(20_000);
    // The store's window opened at the sync, 1 s after the first point.
    expect(counter.spend("a")).toBe(41_000);
    expect(counter.spend("b")).toBeNull();
    await vi.advanceTimersByTimeAsync(41_000);
    expect(counter.spend("a")).toBeNull();
  });

  it("sends what it admitted on its timer, one call per key", async () => {
    const counter = instance();
    const consume = vi.spyOn(store, "consume");
    counter.spend("a");
    counter.spend("a");
    counter.spend("b");
    expect(await stored("a")).toBe(0);
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    expect(await stored("a")).toBe(2);
    expect(await stored("b")).toBe(1);
    expect(consume.mock.calls.map(([key, points]) => [key, points])).toEqual([
      ["a", 2],
      ["b", 1],
    ]);
    // Nothing admitted since: the next tick sends nothing.
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    expect(consume).toHaveBeenCalledTimes(2);
  });

  it("counts points on their way to the store as spent", async () => {
    const counter = instance();
    for (let i = 0; i < 3; i += 1) counter.spend("a");
    const syncing = counter.sync();
    expect(counter.spend("a")).toBe(60_000);
    await syncing;
    expect(counter.spend("a")).toBe(60_000);
    expect(await stored("a")).toBe(3);
  });

  it("close sends what the timer had not yet sent", async () => {
    const counter = instance();
    counter.spend("a");
    await counter.close();
    expect(await stored("a")).toBe(1);
  });
});

describe("instances sharing the store", () => {
  it("learn each other's spends at their next sync, so the budget holds within one interval", async () => {
    const [a, b] = [instance(), instance()];
    expect(a.spend("office")).toBeNull();
    expect(a.spend("office")).toBeNull();
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    // b has not synced this key yet: it admits on what it knows, then learns the store's count.
    expect(b.spend("office")).toBeNull();
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    expect(await stored("office")).toBe(3);
    expect(b.spend("office")).toBeGreaterThan(0);
    // a knew of 2; its third point is over the shared budget and it finds out at the next sync.
    expect(a.spend("office")).toBeNull();
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    expect(a.spend("office")).toBeGreaterThan(0);
    expect(await stored("office")).toBe(4);
  });

  it("take the store's window: refused until the window another instance opened ends", async () => {
    const [a, b] = [instance(), instance()];
    for (let i = 0; i < 3; i += 1) a.spend("office");
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    vi.advanceTimersByTime(29_000);
    b.spend("office");
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    // The store's window opened when a's points reached it (1 s in): 30 s are left, not 60.
    expect(b.spend("office")).toBe(30_000);
  });
});

describe("settings", () => {
  it("refuses a sync interval that is not a whole number of ms", () => {
    for (const syncMs of [0, -1, 0.5, Number.NaN]) {
      expect(
        () => new SyncedCounter(SPEC, store, (counter, call) => call(counter), { syncMs }),
      ).toThrow(TypeError);
    }
  });
});

describe("store failures", () => {
  it("keeps points the store did not take and sends them with the next sync", async () => {
    let failing = true;
    const counter = instance(store, (shared, call) =>
      failing ? Promise.reject(new Error("connection refused")) : call(shared),
    );
    counter.spend("a");
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    expect(await stored("a")).toBe(0);
    counter.spend("a");
    failing = false;
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    expect(await stored("a")).toBe(2);
  });
});

describe("spendSynced", () => {
  it("charges every counter and refuses with the longest wait when any is spent", () => {
    const [client, network] = [instance(), instance(new RateLimiterMemory(SPEC))];
    for (let i = 0; i < 3; i += 1) spendSynced([{ counter: client, key: "ip" }]);
    vi.advanceTimersByTime(10_000);
    let refused: unknown;
    try {
      spendSynced([
        { counter: client, key: "ip" },
        { counter: network, key: "net" },
      ]);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(50);
    // The network's counter was charged although the client's refused: two left, not three.
    expect(network.spend("net")).toBeNull();
    expect(network.spend("net")).toBeNull();
    expect(network.spend("net")).toBe(60_000);
  });

  it("calls a refusal a repeat once every counter that refuses refused its key before", async () => {
    const [client, network] = [instance(), instance(new RateLimiterMemory(SPEC))];
    const spendBoth = () => {
      try {
        spendSynced([
          { counter: client, key: "ip" },
          { counter: network, key: "net" },
        ]);
        return null;
      } catch (error) {
        return (error as RateLimitedError).repeated;
      }
    };
    for (let i = 0; i < 3; i += 1) expect(spendBoth()).toBeNull();
    // The first refusal is recorded; the next ones, from the same spent budgets, are repeats.
    expect(spendBoth()).toBe(false);
    expect(spendBoth()).toBe(true);
    // A new window admits again (the store's opened at the first sync), and its first refusal
    // is a first again.
    await vi.advanceTimersByTimeAsync(65_000);
    for (let i = 0; i < 3; i += 1) expect(spendBoth()).toBeNull();
    expect(spendBoth()).toBe(false);
  });
});

describe("memory", () => {
  function bounded(maxKeys: number) {
    const counter = new SyncedCounter(SPEC, store, (counter, call) => call(counter), {
      syncMs: SYNC_MS,
      maxKeys,
    });
    counters.push(counter);
    return counter;
  }

  it("forgets keys already synced and under the budget, oldest first, past maxKeys", async () => {
    const counter = bounded(3);
    for (const key of ["a", "b", "c"]) counter.spend(key);
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    counter.spend("d");
    expect(counter.size).toBe(3);
    // "a" was forgotten: it starts again from zero here, and its next sync adds to the store's.
    counter.spend("a");
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    expect(await stored("a")).toBe(2);
    expect(counter.size).toBeLessThanOrEqual(3);
  });

  it("keeps keys over the budget, so a refusal is not forgotten", async () => {
    const counter = bounded(2);
    for (let i = 0; i < 3; i += 1) counter.spend("spent");
    counter.spend("b");
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    counter.spend("c");
    expect(counter.spend("spent")).not.toBeNull();
    // "b" went instead.
    expect(counter.size).toBe(2);
  });

  it("keeps keys whose points are not sent yet, and sends them all", async () => {
    const counter = bounded(2);
    for (const key of ["a", "b", "c"]) counter.spend(key);
    expect(counter.size).toBe(3);
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    expect([await stored("a"), await stored("b"), await stored("c")]).toEqual([1, 1, 1]);
  });

  it("refuses a maxKeys that is not a whole number of at least 1", () => {
    expect(() => bounded(0)).toThrow(TypeError);
    expect(() => bounded(1.5)).toThrow(TypeError);
  });
});
