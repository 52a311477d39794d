import { describe, expect, it } from "vitest";
import { AuthError } from "./errors";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./password";
import { createPasswordQueue, hashConcurrencyDefault } from "./password-queue";

/** A job that runs until released: the tests decide when each one ends. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { done, open, fail };
}

const codeOf = (error: unknown) => (error instanceof AuthError ? error.code : error);

describe("createPasswordQueue", () => {
  it("runs at most `concurrency` jobs at once, in order, and the rest as slots free up", async () => {
    const queue = createPasswordQueue({ concurrency: 2, maxWaiting: 10 });
    let running = 0;
    let most = 0;
    const gates = Array.from({ length: 6 }, () => gate());
    const started: number[] = [];
    const results = gates.map((g, index) =>
      queue.run(async () => {
        started.push(index);
        running += 1;
        most = Math.max(most, running);
        await g.done;
        running -= 1;
        return index;
      }),
    );
    await Promise.resolve();
    expect({ active: queue.active, waiting: queue.waiting }).toEqual({ active: 2, waiting: 4 });
    for (const g of gates) g.open();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect({ active: queue.active, waiting: queue.waiting }).toEqual({ active: 0, waiting: 0 });
  });

  it("refuses a job with SERVER_BUSY, at once, when the line is full", async () => {
    const queue = createPasswordQueue({ concurrency: 1, maxWaiting: 2 });
    const hold = gate();
    const admitted = [1, 2, 3].map(() => queue.run(() => hold.done));
    let ran = false;
    const refused = await queue
      .run(async () => {
        ran = true;
      })
      .catch((error: unknown) => error);
    expect(codeOf(refused)).toBe("SERVER_BUSY");
    expect(ran).toBe(false);
    expect({ active: queue.active, waiting: queue.waiting }).toEqual({ active: 1, waiting: 2 });
    hold.open();
    await Promise.all(admitted);
    // Room again once the line moves.
    await expect(queue.run(async () => "later")).resolves.toBe("later");
  });

  it("with no waiting allowed, admits exactly `concurrency` jobs", async () => {
    const queue = createPasswordQueue({ concurrency: 3, maxWaiting: 0 });
    const hold = gate();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, index) => {
        const job = queue.run(() => hold.done.then(() => index));
        // Release only once all five were offered, so the three admitted are still running.
        if (index === 4) hold.open();
        return job;
      }),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "rejected",
    ]);
  });

  it("frees a failed job's slot, and passes its error on unchanged", async () => {
    const queue = createPasswordQueue({ concurrency: 1, maxWaiting: 0 });
    const boom = new Error("argon2 failed");
    await expect(queue.run(() => Promise.reject(boom))).rejects.toBe(boom);
    await expect(
      queue.run(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect({ active: queue.active, waiting: queue.waiting }).toEqual({ active: 0, waiting: 0 });
    await expect(queue.run(async () => "next")).resolves.toBe("next");
  });

  it("defaults to one core fewer than the machine has, and 64 waiting per slot", () => {
    const queue = createPasswordQueue();
    expect(queue.concurrency).toBe(hashConcurrencyDefault());
    expect(queue.concurrency).toBeGreaterThanOrEqual(1);
    expect(queue.maxWaiting).toBe(64 * queue.concurrency);
  });

  it("refuses settings that are not whole numbers in range (a programmer's mistake)", () => {
    expect(() => createPasswordQueue({ concurrency: 0 })).toThrow(TypeError);
    expect(() => createPasswordQueue({ concurrency: 1.5 })).toThrow(TypeError);
    expect(() => createPasswordQueue({ maxWaiting: -1 })).toThrow(TypeError);
  });
});

describe("hashing through the queue", () => {
  it("hashes and verifies through it, and refuses with SERVER_BUSY when it is full", async () => {
    const queue = createPasswordQueue({ concurrency: 1, maxWaiting: 0 });
    const stored = await hashPassword("correct horse battery staple", { queue });
    expect(await verifyPassword(stored, "correct horse battery staple", { queue })).toBe(true);
    const hold = gate();
    const busy = queue.run(() => hold.done);
    for (const attempt of [
      hashPassword("another password", { queue }),
      verifyPassword(stored, "correct horse battery staple", { queue }),
      verifyAgainstDummy("whatever", { queue }),
    ]) {
      expect(codeOf(await attempt.catch((error: unknown) => error))).toBe("SERVER_BUSY");
    }
    hold.open();
    await busy;
    await expect(verifyAgainstDummy("whatever", { queue })).resolves.toBe(false);
  });
});
