// The report as Markdown: load table with ratios, memory, propagation, goals, machine.
import { type GoalCheck, ratio } from "./goals";
import { type BenchReport, DJANGO, type TargetResult } from "./results";
import type { LoadResult } from "./wrk-output";

const x = (value: number) => (Number.isFinite(value) ? `${value}×` : "—");
/** "0.93× floor (c)", or "—" when the reference was not measured in this run. */
const vs = (value: number, name: string) => (Number.isFinite(value) ? `${value}× ${name}` : "—");

function row(cells: (string | number)[]): string {
  return `| ${cells.join(" | ")} |`;
}

interface Line {
  scenario: string;
  result: LoadResult;
  /** "0.93× floor (c), 1.02× sample" */
  vsFloor: string;
  vsDjango: string;
}

function linesOf(t: TargetResult, report: BenchReport): Line[] {
  const floorRps = (id: string) => report.targets.find((f) => f.id === id)?.runs.me?.rps;
  const { sample, me, refresh, login, floodMe, floodLogin } = t.runs;
  const lines: Line[] = [];
  if (t.kind === "floor") {
    if (me) {
      const vsA = t.id === "floor-a" ? "—" : vs(ratio(me.rps, floorRps("floor-a")), "floor (a)");
      lines.push({
        scenario: "me",
        result: me,
        vsFloor: vsA,
        vsDjango: x(ratio(me.rps, DJANGO.me)),
      });
    }
    return lines;
  }
  if (sample) {
    lines.push({
      scenario: "sample (public)",
      result: sample,
      vsFloor: vs(ratio(sample.rps, floorRps("floor-c")), "floor (c)"),
      vsDjango: "—",
    });
  }
  if (me) {
    const parts = [
      vs(ratio(me.rps, floorRps("floor-c")), "floor (c)"),
      vs(ratio(me.rps, sample?.rps), "sample"),
    ];
    lines.push({
      scenario: "me",
      result: me,
      vsFloor: parts.filter((p) => p !== "—").join(", ") || "—",
      vsDjango: x(ratio(me.rps, DJANGO.me)),
    });
  }
  if (refresh) {
    lines.push({
      scenario: "refresh",
      result: refresh,
      vsFloor: vs(ratio(refresh.rps, floorRps("floor-b")), "floor (b)"),
      vsDjango: x(ratio(refresh.rps, DJANGO.refresh)),
    });
  }
  if (login) {
    lines.push({
      scenario: "login",
      result: login,
      vsFloor: "—",
      vsDjango: x(ratio(login.rps, DJANGO.login)),
    });
  }
  if (floodMe) {
    lines.push({
      scenario: "me during login flood",
      result: floodMe,
      vsFloor: vs(ratio(floodMe.p99Ms, me?.p99Ms), "me alone (p99)"),
      vsDjango: x(ratio(floodMe.rps, DJANGO.me)),
    });
  }
  if (floodLogin) {
    lines.push({
      scenario: "login (the flood)",
      result: floodLogin,
      vsFloor: "—",
      vsDjango: x(ratio(floodLogin.rps, DJANGO.login)),
    });
  }
  return lines;
}

/** The load table: one line per target and scenario. */
export function formatLoadTable(report: BenchReport): string {
  const out = [
    row([
      "target",
      "scenario",
      "req/s",
      "p50 ms",
      "p99 ms",
      "non-2xx",
      "socket errors",
      "vs floor / same server",
      "vs Django",
    ]),
    row(["---", "---", "---:", "---:", "---:", "---:", "---:", "---", "---:"]),
  ];
  for (const t of report.targets) {
    for (const line of linesOf(t, report)) {
      const r = line.result;
      out.push(
        row([
          t.label,
          line.scenario,
          r.rps,
          r.p50Ms,
          r.p99Ms,
          r.non2xx,
          r.socketErrors,
          line.vsFloor,
          line.vsDjango,
        ]),
      );
    }
  }
  return out.join("\n");
}

/** Node RSS of each server: idle before the runs, after them, and the largest process. */
export function formatMemoryTable(report: BenchReport): string {
  const out = [
    row([
      "target",
      "workers asked",
      "node processes",
      "idle before: total MB",
      "after: total MB",
      "after: largest process MB",
    ]),
    row(["---", "---:", "---:", "---:", "---:", "---:"]),
  ];
  for (const t of report.targets) {
    if (!t.rss) continue;
    const { idleBefore, after } = t.rss;
    out.push(
      row([
        t.label,
        t.workers,
        after.processes.length,
        idleBefore.totalMb,
        after.totalMb,
        after.largestMb,
      ]),
    );
  }
  return out.join("\n");
}

export function formatGoals(checks: GoalCheck[]): string {
  const out = [
    row(["goal", "target", "measured", "needed", "result"]),
    row(["---", "---", "---:", "---:", "---"]),
  ];
  for (const c of checks) {
    const needed = `${c.atMost ? "≤" : "≥"} ${c.threshold}`;
    const measured = Number.isFinite(c.value);
    // A goal whose reference was not measured in this run (e.g. --only) is not a failure.
    const result = measured ? (c.pass ? "pass" : "FAIL") : "not measured";
    out.push(row([c.goal, c.subject, measured ? c.value : "—", needed, result]));
  }
  return out.join("\n");
}

/** The whole report as one Markdown document (results/latest.md). */
export function formatReport(report: BenchReport, checks: GoalCheck[]): string {
  const m = report.machine;
  const s = report.settings;
  const parts = [
    "# Benchmark results",
    "",
    `${m.date} · ${m.cores} cores (${m.cpu}) · Node ${m.node} · ${m.wrk} · ${s.durationSec} s per run, ${s.connections} connections, ${s.threads} wrk threads · PostgreSQL: ${s.database}`,
    "",
    formatLoadTable(report),
    "",
    "## Memory (RSS of the server's Node processes, launchers included)",
    "",
    formatMemoryTable(report),
  ];
  if (report.propagation) {
    const p = report.propagation;
    parts.push(
      "",
      "## Revocation propagation (from A's logout answer to the first call B answers TOKEN_REVOKED, timed at its send)",
      "",
      `${p.tries} tries: median ${p.medianMs} ms, max ${p.maxMs} ms, never revoked within the limit: ${p.missed}`,
    );
  }
  parts.push("", "## Goals", "", formatGoals(checks), "");
  return parts.join("\n");
}
