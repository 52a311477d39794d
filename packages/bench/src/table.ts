// The report as Markdown: load table with ratios, memory, propagation, goals, machine.
import { type GoalCheck, ratio } from "./goals";
import { markdownTable } from "./markdown-table";
import { type BenchReport, DJANGO, type TargetResult } from "./results";
import type { LoadResult } from "./wrk-output";

const x = (value: number) => (Number.isFinite(value) ? `${value}×` : "—");
/** "0.93× floor (c)", or "—" when the reference was not measured in this run. */
const vs = (value: number, name: string) => (Number.isFinite(value) ? `${value}× ${name}` : "—");

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
  const header = [
    "target",
    "scenario",
    "req/s",
    "req/s range",
    "p50 ms",
    "p99 ms",
    "non-2xx",
    "socket errors",
    "CPU µs per call: server / PostgreSQL",
  ];
  const rows = report.targets.flatMap((t) =>
    linesOf(t, report).map(({ scenario, result: r, vsFloor, vsDjango }) => [
      t.label,
      scenario,
      r.rps,
      r.rounds ? `${r.rounds.rpsMin}–${r.rounds.rpsMax}` : "—",
      r.p50Ms,
      r.p99Ms,
      r.non2xx,
      r.socketErrors,
      r.cpuUs ? `${r.cpuUs.server} / ${r.cpuUs.postgres}` : "—",
      vsFloor,
      vsDjango,
    ]),
  );
  return markdownTable(
    [
      "left",
      "left",
      "right",
      "right",
      "right",
      "right",
      "right",
      "right",
      "right",
      "left",
      "right",
    ],
    [...header, "vs floor / same server", "vs Django"],
    rows,
  );
}

/** Node RSS of each server: idle before the runs, after them, and the largest process. */
export function formatMemoryTable(report: BenchReport): string {
  const header = [
    "target",
    "workers asked",
    "node processes",
    "idle before: total MB",
    "after: total MB",
    "after: largest process MB",
  ];
  const rows = report.targets.flatMap((t) => {
    if (!t.rss) return [];
    const { idleBefore, after } = t.rss;
    return [
      [
        t.label,
        t.workers,
        after.processes.length,
        idleBefore.totalMb,
        after.totalMb,
        after.largestMb,
      ],
    ];
  });
  return markdownTable(["left", "right", "right", "right", "right", "right"], header, rows);
}

/** auth.me against the unprotected procedure in alternated pairs; empty when none was measured. */
export function formatSideBySide(report: BenchReport): string {
  const range = (r: { median: number; min: number; max: number }) =>
    `${r.median} (${r.min}–${r.max})`;
  const rows = report.targets.flatMap((t) => {
    const s = t.sideBySide;
    if (!s) return [];
    return [[t.label, s.pairs, s.runSec, range(s.rps), s.cpu ? range(s.cpu) : "—"]];
  });
  if (rows.length === 0) return "";
  return markdownTable(
    ["left", "right", "right", "left", "left"],
    [
      "target",
      "pairs",
      "s per run",
      "me / sample req/s: median (range)",
      "sample / me server CPU per call: median (range)",
    ],
    rows,
  );
}

export function formatGoals(checks: GoalCheck[]): string {
  const rows = checks.map((c) => {
    const measured = Number.isFinite(c.value);
    // A goal whose reference was not measured in this run (e.g. --only) is not a failure.
    const result = measured ? (c.pass ? "pass" : "FAIL") : "not measured";
    return [
      c.goal,
      c.subject,
      measured ? c.value : "—",
      `${{ ">=": "≥", "<=": "≤", "<": "<" }[c.need]} ${c.threshold}`,
      result,
    ];
  });
  return markdownTable(
    ["left", "left", "right", "right", "left"],
    ["goal", "target", "measured", "needed", "result"],
    rows,
  );
}

/** The whole report as one Markdown document (results/latest.md). */
export function formatReport(report: BenchReport, checks: GoalCheck[]): string {
  const m = report.machine;
  const s = report.settings;
  const parts = [
    "# Benchmark results",
    "",
    `- date: ${m.date}`,
    `- machine: ${m.cores} cores (${m.cpu}), 1-minute load average ${m.loadAverage.start} at the start, ${m.loadAverage.end} at the end`,
    `- Node ${m.node}, ${m.wrk}`,
    `- each run: ${s.durationSec} s, ${s.connections} connections, ${s.threads} wrk threads; PostgreSQL: ${s.database}`,
    `- rounds: ${s.rounds ?? 1} runs of every scenario per server, one round after the other; each figure is the median over the rounds (req/s range: the slowest and fastest round)`,
    "",
    formatLoadTable(report),
    "",
    "## Memory (RSS of the server's Node processes: the pnpm launcher included; largest = the server or its heaviest worker)",
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
  const sideBySide = formatSideBySide(report);
  if (sideBySide) {
    parts.push(
      "",
      "## auth.me against the unprotected procedure, side by side (alternated short runs on the same server, after the rounds; each pair compared on its own: the auth.me goal's ratio)",
      "",
      sideBySide,
    );
  }
  parts.push("", "## Goals", "", formatGoals(checks), "");
  return parts.join("\n");
}
