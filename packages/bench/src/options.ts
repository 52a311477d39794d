// The bench's command line: durations, connections, what to run, and profiling.
import { SCENARIOS, type Scenario } from "./results";

export const TARGET_IDS = [
  "floor-a",
  "floor-b",
  "floor-c",
  "start-pg",
  "start-pg-2w",
  "start-embedded",
  "serve-pg",
  "serve-embedded",
] as const;
export type TargetId = (typeof TARGET_IDS)[number];

/** What `--only` accepts: a load scenario, or the propagation measurement. */
export const ONLY_NAMES = [...SCENARIOS, "propagation"] as const;
export type OnlyName = (typeof ONLY_NAMES)[number];

export interface BenchOptions {
  durationSec: number;
  /** Each scenario is run this many times on each server; the report holds the medians. */
  rounds: number;
  /** Side-by-side pairs of overview.sample and auth.me on each app server (0: none). */
  pairs: number;
  connections: number;
  scenarios: Scenario[];
  propagation: boolean;
  targets: TargetId[];
  /** Run this scenario on one target under `node --cpu-prof` and summarise, instead of the bench. */
  profile: Scenario | undefined;
}

export const USAGE = `usage: pnpm --filter @kit/bench bench -- [options]   (pnpm bench: all defaults)
  --duration <s>       seconds per run (default 5)
  --rounds <n>         runs of every scenario per server, medians reported (default 3)
  --pairs <n>          side-by-side pairs of sample and me (2 s runs, alternating order) on
                       each app server after the rounds: the auth.me goal's ratio (default 8;
                       0: none, the goal then compares the rounds' medians)
  --connections <n>    concurrent connections per run (default 32)
  --quick              one round of 3 s, 2 pairs
  --only <names>       comma-separated: ${ONLY_NAMES.join(", ")}
  --target <ids>       comma-separated: ${TARGET_IDS.join(", ")}
  --profile <scenario> profile one scenario on the first app target (start-pg unless
                       --target says otherwise) and print the top self-time functions`;

function pick<T extends string>(list: readonly T[], value: string, flag: string): T[] {
  return value.split(",").map((name) => {
    if (!(list as readonly string[]).includes(name)) {
      throw new TypeError(`${flag}: unknown "${name}" (one of ${list.join(", ")})`);
    }
    return name as T;
  });
}

function wholeNumber(value: string | undefined, flag: string, least: 0 | 1): number {
  const n = Number(value);
  if (value === undefined || value.trim() === "" || !Number.isInteger(n) || n < least) {
    throw new TypeError(`${flag} needs a whole number ≥ ${least}`);
  }
  return n;
}
const positive = (value: string | undefined, flag: string) => wholeNumber(value, flag, 1);

/** Parses argv (after the script name); throws TypeError with a one-line reason. */
export function parseOptions(argv: string[]): BenchOptions {
  let durationSec = 5;
  let rounds = 3;
  let pairs = 8;
  let connections = 32;
  let only: OnlyName[] = [...ONLY_NAMES];
  let targets: TargetId[] = [...TARGET_IDS];
  let profile: Scenario | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new TypeError(`${flag} needs a value`);
      return next;
    };
    if (flag === "--") continue;
    else if (flag === "--duration") durationSec = positive(value(), flag);
    else if (flag === "--connections") connections = positive(value(), flag);
    else if (flag === "--rounds") rounds = positive(value(), flag);
    else if (flag === "--pairs") pairs = wholeNumber(value(), flag, 0);
    else if (flag === "--quick") [durationSec, rounds, pairs] = [3, 1, 2];
    else if (flag === "--only") only = pick(ONLY_NAMES, value(), flag);
    else if (flag === "--target") targets = pick(TARGET_IDS, value(), flag);
    else if (flag === "--profile") [profile] = pick(SCENARIOS, value(), flag);
    else throw new TypeError(`unknown option ${flag}`);
  }
  return {
    durationSec,
    rounds,
    pairs,
    connections,
    scenarios: SCENARIOS.filter((s) => only.includes(s)),
    propagation: only.includes("propagation"),
    targets,
    profile,
  };
}
