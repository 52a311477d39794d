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
  --connections <n>    concurrent connections per run (default 32)
  --quick              one round of 3 s
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

function positive(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`${flag} needs a whole number ≥ 1`);
  return n;
}

/** Parses argv (after the script name); throws TypeError with a one-line reason. */
export function parseOptions(argv: string[]): BenchOptions {
  let durationSec = 5;
  let rounds = 3;
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
    else if (flag === "--quick") [durationSec, rounds] = [3, 1];
    else if (flag === "--only") only = pick(ONLY_NAMES, value(), flag);
    else if (flag === "--target") targets = pick(TARGET_IDS, value(), flag);
    else if (flag === "--profile") [profile] = pick(SCENARIOS, value(), flag);
    else throw new TypeError(`unknown option ${flag}`);
  }
  return {
    durationSec,
    rounds,
    connections,
    scenarios: SCENARIOS.filter((s) => only.includes(s)),
    propagation: only.includes("propagation"),
    targets,
    profile,
  };
}
