// The report's Markdown and its goal checks, from a small hand-made report.
import { describe, expect, it } from "vitest";
import { evaluateGoals, ratio } from "./goals";
import type { BenchReport } from "./results";
import {
  formatGoals,
  formatLoadTable,
  formatMemoryTable,
  formatReport,
  formatSideBySide,
} from "./table";

const load = (rps: number, p99Ms = 10) => ({
  requests: rps * 10,
  seconds: 10,
  rps,
  p50Ms: 2,
  p99Ms,
  non2xx: 0,
  socketErrors: 0,
});
const rss = (totalMb: number, largestMb: number) => ({
  processes: [{ pid: 1, rssMb: largestMb }],
  totalMb,
  largestMb,
});

const report: BenchReport = {
  machine: {
    cores: 2,
    cpu: "Test CPU",
    node: "v20.20.2",
    date: "2026-12-01T00:00:00Z",
    wrk: "wrk 4.1.0",
    loadAverage: { start: 0.5, end: 1.5 },
  },
  settings: { durationSec: 5, rounds: 3, connections: 32, threads: 2, database: "throwaway" },
  targets: [
    { id: "floor-a", label: "floor (a)", kind: "floor", workers: 1, runs: { me: load(20000) } },
    { id: "floor-b", label: "floor (b)", kind: "floor", workers: 1, runs: { me: load(8000) } },
    { id: "floor-c", label: "floor (c)", kind: "floor", workers: 1, runs: { me: load(10000) } },
    {
      id: "start-pg",
      label: "pnpm start · PostgreSQL",
      kind: "start",
      workers: 1,
      runs: {
        sample: load(5000),
        me: {
          ...load(4000, 10),
          rounds: { count: 3, rpsMin: 3900, rpsMax: 4100 },
          cpuUs: { server: 180.5, postgres: 0 },
        },
        refresh: { ...load(2000), cpuUs: { server: 390.2, postgres: 104 } },
        login: load(40),
        floodMe: load(3000, 30),
        floodLogin: load(35),
      },
      rss: { idleBefore: rss(300, 150), after: rss(400, 260) },
    },
  ],
  propagation: { tries: 20, medianMs: 1.5, maxMs: 6, missed: 0 },
};

// Columns are padded for Biome; compare cells, not spaces.
const squash = (text: string) => text.replace(/ +/g, " ");

describe("ratio", () => {
  it("rounds to two places and is NaN without both figures", () => {
    expect(ratio(2, 3)).toBe(0.67);
    expect(ratio(undefined, 3)).toBeNaN();
    expect(ratio(2, 0)).toBeNaN();
  });
});

describe("evaluateGoals", () => {
  it("checks each goal against the figures it names", () => {
    const byGoal = Object.fromEntries(evaluateGoals(report).map((c) => [c.goal, c]));
    expect(byGoal["auth.me ≥ 0.9× the unprotected procedure"]).toMatchObject({
      value: 0.8,
      pass: false,
    });
    expect(byGoal["pnpm start auth.me ≥ 0.8× floor (c)"]).toMatchObject({
      value: 0.4,
      pass: false,
    });
    expect(byGoal["refresh ≥ 3× Django refresh"]).toMatchObject({ value: 1.74, pass: false });
    expect(byGoal["me p99 in a login flood ≤ 2× me p99 alone"]).toMatchObject({
      value: 3,
      pass: false,
    });
    expect(byGoal["RSS after the bench < 250 MB per worker"]).toMatchObject({
      value: 260,
      pass: false,
    });
    expect(byGoal["login ≥ 2× Django login"]).toMatchObject({ value: 1.29, pass: false });
    // No two-worker target in this report: its goals are not invented.
    expect(byGoal["2 workers auth.me ≥ 5× Django me"]).toBeUndefined();
  });
});

describe("the auth.me goal side by side", () => {
  const paired: BenchReport = {
    ...report,
    targets: report.targets.map((t) =>
      t.id === "start-pg"
        ? {
            ...t,
            sideBySide: {
              pairs: 8,
              runSec: 2,
              rps: { median: 0.914, min: 0.88, max: 0.95 },
              cpu: { median: 0.902, min: 0.89, max: 0.91 },
            },
          }
        : t,
    ),
  };

  it("takes the pairs' median over the ratio of the rounds' medians", () => {
    const goal = evaluateGoals(paired).find(
      (c) => c.goal === "auth.me ≥ 0.9× the unprotected procedure",
    );
    // The rounds say 4000 / 5000 = 0.8; the pairs say 0.91.
    expect(goal).toMatchObject({ subject: "start-pg", value: 0.91, pass: true });
  });

  it("judges the ratio as measured, not as printed", () => {
    const justUnder: BenchReport = {
      ...paired,
      targets: paired.targets.map((t) =>
        t.sideBySide
          ? { ...t, sideBySide: { ...t.sideBySide, rps: { median: 0.899, min: 0.86, max: 0.96 } } }
          : t,
      ),
    };
    const goal = evaluateGoals(justUnder).find(
      (c) => c.goal === "auth.me ≥ 0.9× the unprotected procedure",
    );
    expect(goal).toMatchObject({ value: 0.9, pass: false });
  });

  it("prints the pairs with their spread, and nothing when none was measured", () => {
    expect(squash(formatSideBySide(paired))).toContain(
      "| pnpm start · PostgreSQL | 8 | 2 | 0.914 (0.88–0.95) | 0.902 (0.89–0.91) |",
    );
    expect(formatReport(paired, evaluateGoals(paired))).toContain("side by side");
    expect(formatSideBySide(report)).toBe("");
    expect(formatReport(report, evaluateGoals(report))).not.toContain("side by side");
  });
});

describe("Markdown", () => {
  it("prints every scenario with its ratios", () => {
    const table = squash(formatLoadTable(report));
    expect(table).toContain(
      "| pnpm start · PostgreSQL | me | 4000 | 3900–4100 | 2 | 10 | 0 | 0 | 180.5 / 0 | 0.4× floor (c), 0.8× sample | 3.67× |",
    );
    expect(table).toContain(
      "| floor (b) | me | 8000 | — | 2 | 10 | 0 | 0 | — | 0.4× floor (a) | 7.34× |",
    );
    expect(table).toContain(
      "| me during login flood | 3000 | — | 2 | 30 | 0 | 0 | — | 3× me alone (p99) |",
    );
    expect(table).toContain(
      "| refresh | 2000 | — | 2 | 10 | 0 | 0 | 390.2 / 104 | 0.25× floor (b) |",
    );
  });

  it("prints memory, goals and the whole report", () => {
    expect(squash(formatMemoryTable(report))).toContain(
      "| pnpm start · PostgreSQL | 1 | 1 | 300 | 400 | 260 |",
    );
    expect(squash(formatGoals(evaluateGoals(report)))).toContain(
      "| login ≥ 2× Django login | start-pg | 1.29 | ≥ 2 | FAIL |",
    );
    expect(squash(formatGoals(evaluateGoals(report)))).toContain(
      "| start-pg | 260 | < 250 | FAIL |",
    );
    const alone = { ...report, targets: report.targets.filter((t) => !t.id.startsWith("floor")) };
    expect(squash(formatGoals(evaluateGoals(alone)))).toContain(
      "| start-pg | — | ≥ 0.8 | not measured |",
    );
    expect(squash(formatLoadTable(alone))).toContain(
      "| me | 4000 | 3900–4100 | 2 | 10 | 0 | 0 | 180.5 / 0 | 0.8× sample |",
    );
    const doc = formatReport(report, evaluateGoals(report));
    expect(doc).toContain("- machine: 2 cores (Test CPU), 1-minute load average 0.5 at the start");
    expect(doc).toContain("20 tries: median 1.5 ms, max 6 ms");
    expect(doc).toContain("- rounds: 3 runs of every scenario per server");
  });
});
