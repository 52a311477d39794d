// What one bench run produces: per target, each scenario's load result and the server's memory.
import type { NodeRss } from "./process-tree";
import type { SideBySide } from "./side-by-side";
import type { LoadResult } from "./wrk-output";

/** The load scenarios; `flood` measures auth.me while auth.login floods the same server. */
export const SCENARIOS = ["sample", "me", "refresh", "login", "flood"] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Fixed reference figures of the Django + PyJWT recipe, measured once on this machine kind. */
export const DJANGO = { me: 1090, refresh: 1150, login: 31 } as const;

export type FloorId = "floor-a" | "floor-b" | "floor-c";

export interface TargetResult {
  id: string;
  label: string;
  kind: "start" | "serve" | "floor";
  /** WEB_CONCURRENCY asked for (1 when unset). */
  workers: number;
  runs: {
    sample?: LoadResult;
    me?: LoadResult;
    refresh?: LoadResult;
    login?: LoadResult;
    floodMe?: LoadResult;
    floodLogin?: LoadResult;
  };
  /** auth.me against overview.sample in alternated short runs (./side-by-side.ts). */
  sideBySide?: SideBySide;
  rss?: { idleBefore: NodeRss; after: NodeRss };
}

export interface Propagation {
  tries: number;
  medianMs: number;
  maxMs: number;
  /** Tries where B never answered TOKEN_REVOKED within the poll limit. */
  missed: number;
}

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  date: string;
  wrk: string;
  /** 1-minute load average at the start and at the end: other work on the machine shows here. */
  loadAverage: { start: number; end: number };
}

export interface BenchReport {
  machine: Machine;
  settings: {
    durationSec: number;
    /** Runs of each scenario per server (medians reported); absent in reports before rounds. */
    rounds?: number;
    /** Side-by-side pairs of overview.sample and auth.me per app server; absent before them. */
    pairs?: number;
    connections: number;
    threads: number;
    database: string;
  };
  targets: TargetResult[];
  propagation?: Propagation;
}
