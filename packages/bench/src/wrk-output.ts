// Reading wrk's output: the JSON line our Lua done() hook prints, else wrk's own text.
import { roundTo } from "./stats";

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers outside 2xx/3xx (a 401, 429 or 500 is one). */
  non2xx: number;
  /** Connect, read, write errors and timeouts. */
  socketErrors: number;
  /**
   * CPU time per answered request in µs, measured by the bench over the run (not by wrk): the
   * server's Node processes, and PostgreSQL. Absent for the floors' runs and the flood.
   */
  cpuUs?: { server: number; postgres: number };
  /** When several rounds were combined (./rounds): how many, and the spread of req/s. */
  rounds?: { count: number; rpsMin: number; rpsMax: number };
}

interface DoneLine {
  requests: number;
  duration_us: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latency_us: { p50: number; p99: number };
}

/** Parses one wrk run's stdout; throws when it holds neither form of result. */
export function parseWrkOutput(stdout: string): LoadResult {
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (line) {
    const done = JSON.parse(line.slice("BENCH_JSON ".length)) as DoneLine;
    const seconds = done.duration_us / 1e6;
    const e = done.errors;
    return {
      requests: done.requests,
      seconds: roundTo(seconds),
      rps: roundTo(seconds > 0 ? done.requests / seconds : 0, 1),
      p50Ms: roundTo(done.latency_us.p50 / 1000, 3),
      p99Ms: roundTo(done.latency_us.p99 / 1000, 3),
      non2xx: e.status,
      socketErrors: e.connect + e.read + e.write + e.timeout,
    };
  }
  return parseWrkText(stdout);
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? "");
  if (!match) return Number.NaN;
  return roundTo(Number(match[1]) * (UNIT_MS[match[2] ?? "ms"] ?? 1), 3);
}

/** wrk's human-readable report (run with --latency), for runs without our Lua hook. */
export function parseWrkText(stdout: string): LoadResult {
  const total = /(\d+) requests in ([\d.]+)(ms|s|m)/.exec(stdout);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!total || !rps) throw new Error(`not wrk output:\n${stdout.slice(0, 500)}`);
  const seconds = durationMs(`${total[2]}${total[3]}`) / 1000;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    stdout,
  );
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  return {
    requests: Number(total[1]),
    seconds: roundTo(seconds),
    rps: Number(rps[1]),
    p50Ms: durationMs(/^\s+50%\s+(\S+)/m.exec(stdout)?.[1]),
    p99Ms: durationMs(/^\s+99%\s+(\S+)/m.exec(stdout)?.[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors,
  };
}
