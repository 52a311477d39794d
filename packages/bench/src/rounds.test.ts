import { describe, expect, it } from "vitest";
import { combineRounds } from "./rounds";
import type { LoadResult } from "./wrk-output";

const run = (rps: number, p99Ms: number, non2xx = 0): LoadResult => ({
  requests: rps * 5,
  seconds: 5,
  rps,
  p50Ms: p99Ms / 4,
  p99Ms,
  non2xx,
  socketErrors: 0,
});

describe("combineRounds", () => {
  it("takes each figure's median, so one disturbed round does not move it", () => {
    const combined = combineRounds([run(2600, 40), run(1200, 300), run(2700, 36)]);
    expect(combined.rps).toBe(2600);
    expect(combined.p99Ms).toBe(40);
    expect(combined.p50Ms).toBe(10);
    expect(combined.rounds).toEqual({ count: 3, rpsMin: 1200, rpsMax: 2700 });
  });

  it("sums requests, time and errors: an error in any round shows", () => {
    const combined = combineRounds([run(100, 10), run(100, 10, 3), run(100, 10)]);
    expect(combined.requests).toBe(1500);
    expect(combined.seconds).toBe(15);
    expect(combined.non2xx).toBe(3);
  });

  it("takes the median CPU per request, and none when a round did not measure it", () => {
    const withCpu = (rps: number, server: number, postgres: number) => ({
      ...run(rps, 10),
      cpuUs: { server, postgres },
    });
    const combined = combineRounds([
      withCpu(100, 300, 40),
      withCpu(90, 900, 10),
      withCpu(110, 280, 50),
    ]);
    expect(combined.cpuUs).toEqual({ server: 300, postgres: 40 });
    expect(combineRounds([withCpu(100, 300, 40), run(100, 10)]).cpuUs).toBeUndefined();
  });

  it("averages the middle two of an even count, and leaves one round as it is", () => {
    expect(combineRounds([run(100, 10), run(300, 30)]).rps).toBe(200);
    const single = run(100, 10);
    expect(combineRounds([single])).toBe(single);
    expect(() => combineRounds([])).toThrow(TypeError);
  });
});
