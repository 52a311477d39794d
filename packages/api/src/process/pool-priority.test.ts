// The pool's threads, and only they, get the lower priority, and password hashing runs on them.
import { execFile } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { type PoolPriority, poolSize } from "./pool-priority";

const run = promisify(execFile);

interface Report {
  result: PoolPriority;
  pid: number;
  /** CPU clock ticks each thread spent hashing, by thread id. */
  spent: Record<string, number>;
  nice: Record<string, number>;
}

async function hashOnPool(nice: number, poolThreads = "3"): Promise<Report> {
  const fixture = path.join(import.meta.dirname, "testing", "hash-on-pool.ts");
  const { stdout } = await run(process.execPath, ["--import", "tsx", fixture, String(nice)], {
    cwd: import.meta.dirname,
    env: { ...process.env, UV_THREADPOOL_SIZE: poolThreads },
  });
  return JSON.parse(stdout.trim()) as Report;
}

// Under a runner already at nice 10 or more there is nothing to lower.
const runnerNice = os.getPriority();
describe.runIf(process.platform === "linux" && runnerNice < 10)("lowerPoolPriority", () => {
  it("lowers every pool thread, nothing else, and hashing runs on them", async () => {
    const { result, pid, spent, nice } = await hashOnPool(10);
    if (!result.lowered) throw new Error(`not lowered: ${result.reason}`);
    const pool = result.threads.map(String);
    expect(pool).toHaveLength(3);
    // The runner's own nice value (0, unless it was itself started under nice).
    const own = nice[String(pid)];
    for (const [tid, value] of Object.entries(nice)) {
      expect(value, `thread ${tid}`).toBe(pool.includes(tid) ? 10 : own);
    }
    // 24 argon2id hashes (~5-10 ms each here): the pool did that work, at nice 10.
    const onPool = pool.reduce((sum, tid) => sum + (spent[tid] ?? 0), 0);
    const elsewhere = Object.entries(spent)
      .filter(([tid]) => !pool.includes(tid))
      .reduce((sum, [, ticks]) => sum + ticks, 0);
    expect(onPool).toBeGreaterThanOrEqual(3);
    expect(onPool).toBeGreaterThan(elsewhere);
  });

  it("leaves every thread alone at 0", async () => {
    const { result, nice } = await hashOnPool(0);
    expect(result).toEqual({ lowered: false, reason: "THREAD_POOL_NICE=0" });
    expect(new Set(Object.values(nice)).size).toBe(1);
  });
});

describe("poolSize", () => {
  it("follows libuv: UV_THREADPOOL_SIZE when a whole number from 1, else 4, at most 1024", () => {
    expect(poolSize(undefined)).toBe(4);
    expect(poolSize("8")).toBe(8);
    expect(poolSize("0")).toBe(4);
    expect(poolSize("2.5")).toBe(4);
    expect(poolSize("lots")).toBe(4);
    expect(poolSize("4096")).toBe(1024);
  });
});
