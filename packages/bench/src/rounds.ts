// Several rounds of one scenario on one server, reported as one result: the median of each
// figure, so one neighbour's burst on this shared machine does not decide a ratio.
import { median, roundTo } from "./stats";
import type { LoadResult } from "./wrk-output";

/**
 * The rounds of one scenario as one result: req/s, p50 and p99 are each the median over the
 * rounds (a p99 is not the p99 of all requests, but a typical round's); requests, seconds and
 * errors are summed, so an error in any round shows. `rounds` keeps the spread of req/s.
 * CPU per request is the median too, when every round measured it.
 */
export function combineRounds(runs: LoadResult[]): LoadResult {
  const [first] = runs;
  if (!first) throw new TypeError("combineRounds needs at least one run");
  if (runs.length === 1) return first;
  const sum = (pick: (run: LoadResult) => number) => runs.reduce((s, run) => s + pick(run), 0);
  const rps = runs.map((run) => run.rps);
  const cpu = runs.flatMap((run) => (run.cpuUs ? [run.cpuUs] : []));
  return {
    requests: sum((run) => run.requests),
    seconds: roundTo(
      sum((run) => run.seconds),
      2,
    ),
    rps: roundTo(median(rps), 1),
    p50Ms: roundTo(median(runs.map((run) => run.p50Ms)), 3),
    p99Ms: roundTo(median(runs.map((run) => run.p99Ms)), 3),
    non2xx: sum((run) => run.non2xx),
    socketErrors: sum((run) => run.socketErrors),
    ...(cpu.length === runs.length
      ? {
          cpuUs: {
            server: roundTo(median(cpu.map((c) => c.server)), 1),
            postgres: roundTo(median(cpu.map((c) => c.postgres)), 1),
          },
        }
      : {}),
    rounds: { count: runs.length, rpsMin: Math.min(...rps), rpsMax: Math.max(...rps) },
  };
}
