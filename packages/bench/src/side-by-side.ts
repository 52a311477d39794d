// auth.me against the unprotected procedure, measured side by side: short runs of the two,
// alternated on the same server, each pair compared on its own. On a shared 2-core machine the
// throughput of one 5 s run swings by a quarter from one minute to the next; two runs a few
// seconds apart see the same machine, so their ratio keeps what the rounds' medians lose.
import { median, roundTo } from "./stats";
import type { LoadResult } from "./wrk-output";

/** One pair: the two runs, back to back (the order alternates from pair to pair). */
export interface Pair {
  sample: LoadResult;
  me: LoadResult;
}

/** The median of a list of ratios, and its spread. */
export interface RatioSpread {
  median: number;
  min: number;
  max: number;
}

export interface SideBySide {
  pairs: number;
  /** Seconds of each run of a pair. */
  runSec: number;
  /** auth.me req/s over overview.sample req/s, pair by pair. */
  rps: RatioSpread;
  /**
   * overview.sample's server CPU per call over auth.me's, pair by pair (the same ratio in the
   * cost of a call, which the load generator's share of the cores does not move); absent when
   * a run did not measure CPU.
   */
  cpu?: RatioSpread;
}

function spread(ratios: number[]): RatioSpread {
  return {
    median: roundTo(median(ratios), 3),
    min: roundTo(Math.min(...ratios), 3),
    max: roundTo(Math.max(...ratios), 3),
  };
}

/** The pairs as one figure per ratio; undefined when there are none (or one run answered none). */
export function sideBySideOf(pairs: Pair[], runSec: number): SideBySide | undefined {
  const usable = pairs.filter((p) => p.sample.rps > 0 && p.me.rps > 0);
  if (usable.length === 0) return undefined;
  const result: SideBySide = {
    pairs: usable.length,
    runSec,
    rps: spread(usable.map((p) => p.me.rps / p.sample.rps)),
  };
  const cpu = usable.flatMap(({ sample, me }) =>
    sample.cpuUs && me.cpuUs && me.cpuUs.server > 0 ? [sample.cpuUs.server / me.cpuUs.server] : [],
  );
  if (cpu.length === usable.length) result.cpu = spread(cpu);
  return result;
}
