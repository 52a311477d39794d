import { describe, expect, it } from "vitest";
import { sideBySideOf } from "./side-by-side";
import type { LoadResult } from "./wrk-output";

const run = (rps: number, cpuServer?: number): LoadResult => ({
  requests: rps * 2,
  seconds: 2,
  rps,
  p50Ms: 1,
  p99Ms: 4,
  non2xx: 0,
  socketErrors: 0,
  ...(cpuServer === undefined ? {} : { cpuUs: { server: cpuServer, postgres: 0 } }),
});

describe("sideBySideOf", () => {
  it("compares each pair on its own, so a slow minute moves both runs of a pair, not the ratio", () => {
    // The machine halves its speed for the second pair: the medians of each side would say
    // 0.5-ish, the pairs say 0.9.
    const result = sideBySideOf(
      [
        { sample: run(10_000, 60), me: run(9_000, 66) },
        { sample: run(5_000, 120), me: run(4_500, 132) },
        { sample: run(10_000, 60), me: run(9_200, 65) },
      ],
      2,
    );
    expect(result?.pairs).toBe(3);
    expect(result?.runSec).toBe(2);
    expect(result?.rps).toEqual({ median: 0.9, min: 0.9, max: 0.92 });
    expect(result?.cpu?.median).toBeCloseTo(60 / 66, 3);
    expect(result?.cpu?.max).toBeCloseTo(60 / 65, 3);
  });

  it("leaves the CPU ratio out when a run did not measure it, and skips pairs with no answers", () => {
    const result = sideBySideOf(
      [
        { sample: run(10_000), me: run(9_000, 66) },
        { sample: run(0), me: run(9_000) },
      ],
      2,
    );
    expect(result?.pairs).toBe(1);
    expect(result?.rps.median).toBe(0.9);
    expect(result?.cpu).toBeUndefined();
    expect(sideBySideOf([], 2)).toBeUndefined();
  });
});
