// wrk's results, from our done() line and from wrk's own text report (a hand-made fixture).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseWrkOutput, parseWrkText } from "./wrk-output";

const text = readFileSync(new URL("./fixtures/wrk-latency.txt", import.meta.url), "utf8");

describe("parseWrkOutput", () => {
  it("prefers the done() hook's JSON line", () => {
    const line =
      'BENCH_JSON {"requests":5000,"duration_us":2000000,"bytes":1,"errors":{"connect":1,"read":0,"write":0,"status":3,"timeout":2},"latency_us":{"p50":1500,"p99":9250,"mean":2.0,"max":20000}}';
    expect(parseWrkOutput(`${text}${line}\n`)).toEqual({
      requests: 5000,
      seconds: 2,
      rps: 2500,
      p50Ms: 1.5,
      p99Ms: 9.25,
      non2xx: 3,
      socketErrors: 3,
    });
  });

  it("falls back to wrk's text report", () => {
    expect(parseWrkOutput(text)).toEqual({
      requests: 7834,
      seconds: 3.01,
      rps: 2602.66,
      p50Ms: 11.48,
      p99Ms: 28.05,
      non2xx: 5,
      socketErrors: 3,
    });
  });

  it("reads microseconds and seconds in the latency distribution", () => {
    const fast = text.replace("11.48ms", "850.00us").replace("28.05ms", "1.20s");
    expect(parseWrkText(fast)).toMatchObject({ p50Ms: 0.85, p99Ms: 1200 });
  });

  it("refuses output that is not wrk's", () => {
    expect(() => parseWrkOutput("command not found")).toThrow(/not wrk output/);
  });
});
