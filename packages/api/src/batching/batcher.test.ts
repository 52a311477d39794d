import { describe, expect, it } from "vitest";
import { Batcher, type BatcherOptions } from "./batcher";

interface Call {
  key: string;
  value: number;
}

/** A batcher whose batches are recorded and finish when the test says so. */
function recording(options: Partial<BatcherOptions<Call, number>> = {}) {
  const batches: Call[][] = [];
  const finish: Array<() => void> = [];
  const batcher = new Batcher<Call, number>({
    maxBatch: 100,
    maxInFlight: 1,
    keyOf: (call) => call.key,
    run: (batch) => {
      batches.push([...batch]);
      return new Promise((resolve) => finish.push(() => resolve(batch.map((c) => c.value * 10))));
    },
    ...options,
  });
  /** Lets every running batch finish, then waits until the next ones have started. */
  const finishRunning = async () => {
    for (const done of finish.splice(0)) done();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batcher, batches, finishRunning };
}

/** A batcher of up to 10, one batch at a time, running `run`; each batch's values recorded. */
function batcherRunning(
  run: (batch: readonly Call[]) => Promise<readonly number[]>,
  retryAlone?: (error: unknown) => boolean,
) {
  const runs: number[][] = [];
  const batcher = new Batcher<Call, number>({
    maxBatch: 10,
    maxInFlight: 1,
    keyOf: (c) => c.key,
    run: (batch) => {
      runs.push(batch.map((c) => c.value));
      return run(batch);
    },
    retryAlone,
  });
  return { batcher, runs };
}

const call = (key: string, value: number): Call => ({ key, value });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("Batcher", () => {
  it("sends a lone request at once, alone", async () => {
    const { batcher, batches, finishRunning } = recording();
    const result = batcher.submit(call("a", 1));
    await turn();
    expect(batches).toEqual([[call("a", 1)]]);
    await finishRunning();
    await expect(result).resolves.toBe(10);
  });

  it("sends what arrives in one turn as one batch, each request getting its own result", async () => {
    const { batcher, batches, finishRunning } = recording();
    const results = [1, 2, 3].map((n) => batcher.submit(call(`k${n}`, n)));
    await turn();
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((c) => c.value)).toEqual([1, 2, 3]);
    await finishRunning();
    expect(await Promise.all(results)).toEqual([10, 20, 30]);
  });

  it("gathers what arrives while a batch runs into the next one", async () => {
    const { batcher, batches, finishRunning } = recording();
    const first = batcher.submit(call("a", 1));
    await turn();
    const later = [2, 3, 4].map((n) => batcher.submit(call(`k${n}`, n)));
    await turn();
    await turn();
    expect(batches).toHaveLength(1);
    expect(batcher.waiting).toBe(3);
    await finishRunning();
    expect(batches.map((b) => b.map((c) => c.value))).toEqual([[1], [2, 3, 4]]);
    await finishRunning();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(batcher.waiting).toBe(0);
  });

  it("runs up to maxInFlight batches at once", async () => {
    const { batcher, batches, finishRunning } = recording({ maxInFlight: 2 });
    const results = [batcher.submit(call("a", 1))];
    await turn();
    results.push(batcher.submit(call("b", 2)));
    await turn();
    results.push(batcher.submit(call("c", 3)), batcher.submit(call("d", 4)));
    await turn();
    // Two running; the third waits for one of them.
    expect(batches.map((b) => b.map((c) => c.value))).toEqual([[1], [2]]);
    await finishRunning();
    expect(batches.map((b) => b.map((c) => c.value))).toEqual([[1], [2], [3, 4]]);
    await finishRunning();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40]);
  });

  it("never puts more than maxBatch requests in a batch, oldest first", async () => {
    const { batcher, batches, finishRunning } = recording({ maxBatch: 2 });
    const results = [1, 2, 3, 4, 5].map((n) => batcher.submit(call(`k${n}`, n)));
    await turn();
    await finishRunning();
    await finishRunning();
    await finishRunning();
    expect(batches.map((b) => b.map((c) => c.value))).toEqual([[1, 2], [3, 4], [5]]);
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50]);
  });

  it("never puts two requests with one key in a batch, and keeps their order", async () => {
    const { batcher, batches, finishRunning } = recording();
    const results = [call("s", 1), call("t", 2), call("s", 3), call("s", 4), call("u", 5)].map(
      (c) => batcher.submit(c),
    );
    await turn();
    await finishRunning();
    await finishRunning();
    await finishRunning();
    expect(batches.map((b) => b.map((c) => c.value))).toEqual([[1, 2, 5], [3], [4]]);
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50]);
  });

  it("holds a request whose key a running batch holds until that batch ends, slots free or not", async () => {
    const { batcher, batches, finishRunning } = recording({ maxInFlight: 3 });
    const results = [call("s", 1), call("s", 2), call("t", 3)].map((c) => batcher.submit(c));
    await turn();
    expect(batches.map((b) => b.map((c) => c.value))).toEqual([[1, 3]]);
    expect(batcher.waiting).toBe(1);
    await finishRunning();
    expect(batches.map((b) => b.map((c) => c.value))).toEqual([[1, 3], [2]]);
    await finishRunning();
    expect(await Promise.all(results)).toEqual([10, 20, 30]);
  });

  it("fails every request of a batch whose failure is not one request's", async () => {
    const failure = new Error("database gone");
    const { batcher, runs } = batcherRunning(
      async () => {
        throw failure;
      },
      () => false,
    );
    const results = [1, 2].map((n) => batcher.submit(call(`k${n}`, n)));
    for (const result of results) await expect(result).rejects.toBe(failure);
    expect(runs).toEqual([[1, 2]]);
  });

  it("runs a batch again one request at a time when its failure may be one request's", async () => {
    const poison = new Error("bad data");
    const { batcher, runs } = batcherRunning(
      async (batch) => {
        if (batch.some((c) => c.value === 2)) throw poison;
        return batch.map((c) => c.value * 10);
      },
      (error) => error === poison,
    );
    const results = [1, 2, 3].map((n) => batcher.submit(call(`k${n}`, n)).catch((e) => e));
    expect(await Promise.all(results)).toEqual([10, poison, 30]);
    expect(runs).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it("runs requests again alone outside the batch slots: one that waits holds up no one", async () => {
    const poison = new Error("locked elsewhere");
    let release = () => {};
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { batcher, runs } = batcherRunning(
      async (batch) => {
        if (batch.length > 1) throw poison;
        if (batch[0]?.value === 1) await stuck;
        return batch.map((c) => c.value * 10);
      },
      (error) => error === poison,
    );
    const first = [1, 2].map((n) => batcher.submit(call(`k${n}`, n)));
    await expect(first[1]).resolves.toBe(20);
    // Request 1 is still waiting alone; the one slot is free for a new batch...
    await expect(batcher.submit(call("k3", 3))).resolves.toBe(30);
    // ...but its key is not: a request with it waits until it is done.
    const sameKey = batcher.submit(call("k1", 4));
    await turn();
    expect(runs).toEqual([[1, 2], [1], [2], [3]]);
    release();
    expect(await Promise.all([first[0], sameKey])).toEqual([10, 40]);
    expect(runs.at(-1)).toEqual([4]);
  });

  it("fails a batch whose results do not match its requests", async () => {
    const { batcher } = batcherRunning(async () => [1]);
    const results = [1, 2].map((n) => batcher.submit(call(`k${n}`, n)));
    for (const result of results) {
      await expect(result).rejects.toThrow("A batch of 2 got 1 results.");
    }
  });

  it("refuses settings that are not whole numbers of at least one", () => {
    const base = { keyOf: (c: Call) => c.key, run: async () => [] };
    expect(() => new Batcher<Call, number>({ ...base, maxBatch: 0, maxInFlight: 1 })).toThrow(
      "maxBatch must be a whole number ≥ 1 (got 0).",
    );
    expect(() => new Batcher<Call, number>({ ...base, maxBatch: 1, maxInFlight: 1.5 })).toThrow(
      "maxInFlight must be a whole number ≥ 1 (got 1.5).",
    );
  });
});

describe("a request that waited too long for its batch", () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("fails with tooLate's error and is never run, when it waited past afterMs behind its key", async () => {
    const late = new Error("too late");
    const { batcher, batches, finishRunning } = recording({
      tooLate: { afterMs: 50, error: () => late },
    });
    const first = batcher.submit({ key: "a", value: 1 });
    const second = batcher.submit({ key: "a", value: 2 });
    const settled = second.catch((error: unknown) => error);
    await sleep(100); // the first batch runs (its database slow) while the second waits
    await finishRunning();
    expect(await first).toBe(10);
    expect(await settled).toBe(late);
    expect(batches).toEqual([[{ key: "a", value: 1 }]]);
  });

  it("still runs one that waited less", async () => {
    const { batcher, batches, finishRunning } = recording({
      tooLate: { afterMs: 60_000, error: () => new Error("too late") },
    });
    const first = batcher.submit({ key: "a", value: 1 });
    const second = batcher.submit({ key: "a", value: 2 });
    await sleep(20);
    await finishRunning();
    await finishRunning();
    expect([await first, await second]).toEqual([10, 20]);
    expect(batches).toEqual([[{ key: "a", value: 1 }], [{ key: "a", value: 2 }]]);
  });
});
