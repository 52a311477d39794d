// The load scenarios on one running server: its own users, then each scenario a bounded wrk run.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { signFloorToken } from "./floors/hs256";
import { type CpuSnapshot, cpuSpent } from "./process-tree";
import type { Scenario, TargetResult } from "./results";
import { combineRounds } from "./rounds";
import { type Pair, type SideBySide, sideBySideOf } from "./side-by-side";
import { FLOOR_USERS } from "./targets";
import { openSessions, registerUsers } from "./users";
import { runWrk as startWrk, type WrkRun } from "./wrk";
import type { LoadResult } from "./wrk-output";

export interface LoadSettings {
  durationSec: number;
  connections: number;
}

type Runs = TargetResult["runs"];

/** Each scenario's rounds, combined into one result per scenario (medians: ./rounds). */
function combined(collected: { [K in keyof Runs]?: LoadResult[] }): Runs {
  const runs: Runs = {};
  for (const [key, list] of Object.entries(collected) as [keyof Runs, LoadResult[]][]) {
    runs[key] = combineRounds(list);
  }
  return runs;
}

const roundNote = (round: number, rounds: number) =>
  rounds > 1 ? ` (round ${round}/${rounds})` : "";

const USERS = 16;
/** Seconds of each run of a side-by-side pair: short, so the two see the same machine. */
export const PAIR_RUN_SEC = 2;
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));
const log = (text: string) => console.error(`[bench]   ${text}`);

async function withFiles<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), "kit-bench-wrk-"));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One wrk run; with `cpuSnapshot`, also the CPU the server and PostgreSQL spent per answer. */
async function measuredRun(run: WrkRun, cpuSnapshot?: () => CpuSnapshot): Promise<LoadResult> {
  const before = cpuSnapshot?.();
  const result = await startWrk(run);
  const after = cpuSnapshot?.();
  if (!before || !after || result.requests === 0) return result;
  const { serverMs, postgresMs } = cpuSpent(before, after);
  const perRequest = (ms: number) => Math.round((ms * 10_000) / result.requests) / 10;
  return { ...result, cpuUs: { server: perRequest(serverMs), postgres: perRequest(postgresMs) } };
}

/** What a target's runs measured: the rounds, and the side-by-side pairs when there were any. */
export interface MeasuredRuns {
  runs: Runs;
  sideBySide?: SideBySide;
}

/** Floors answer auth.me only: tokens signed here with the floors' key, for users u0..u63. */
export function floorRuns(
  base: string,
  floorSecret: string,
  load: LoadSettings,
  rounds = 1,
  cpuSnapshot?: () => CpuSnapshot,
): Promise<MeasuredRuns> {
  return withFiles(async (dir) => {
    const secret = Buffer.from(floorSecret, "hex");
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const tokens = Array.from({ length: FLOOR_USERS }, (_, i) =>
      signFloorToken({ sub: `u${i}`, sid: `s${i}`, exp }, secret),
    );
    const tokenFile = path.join(dir, "access.txt");
    await writeFile(tokenFile, `${tokens.join("\n")}\n`);
    const me: LoadResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      await settle();
      const run = await measuredRun(
        {
          url: `${base}/api/trpc/auth.me`,
          script: "get",
          ...load,
          files: { BENCH_TOKENS: tokenFile },
        },
        cpuSnapshot,
      );
      log(`me ${run.rps} req/s${roundNote(round, rounds)}`);
      me.push(run);
    }
    return { runs: combined({ me }) };
  });
}

/**
 * Every chosen scenario on an app server, in a fixed order, `rounds` times over (each round
 * runs them all, so a disturbance lands on one round of each, not on every run of one).
 * `beforeLoad` runs just before each measured window (the profiler restarts there, leaving
 * start-up and set-up out). `cpuSnapshot`, when given, is read around each run but the flood's:
 * each result then says how much CPU the server and PostgreSQL spent per answered request.
 * With `pairs` and both sample and me chosen, the rounds are followed by that many side-by-side
 * pairs of the two (./side-by-side.ts), in alternating order.
 */
export function appRuns(
  base: string,
  scenarios: Scenario[],
  load: LoadSettings,
  {
    rounds = 1,
    pairs = 0,
    beforeLoad = () => {},
    cpuSnapshot,
  }: {
    rounds?: number;
    pairs?: number;
    beforeLoad?: () => void;
    cpuSnapshot?: () => CpuSnapshot;
  } = {},
): Promise<MeasuredRuns> {
  return withFiles(async (dir) => {
    const users = await registerUsers(base, USERS);
    const accessFile = path.join(dir, "access.txt");
    const loginFile = path.join(dir, "logins.txt");
    await writeFile(accessFile, `${users.map((u) => u.access).join("\n")}\n`);
    await writeFile(loginFile, `${users.map((u) => `${u.email}\t${u.password}`).join("\n")}\n`);
    const me = {
      url: `${base}/api/trpc/auth.me`,
      script: "get" as const,
      ...load,
      files: { BENCH_TOKENS: accessFile },
    };
    const login = {
      url: `${base}/api/trpc/auth.login`,
      script: "login" as const,
      ...load,
      files: { BENCH_LOGINS: loginFile },
    };
    const collected: { [K in keyof Runs]?: LoadResult[] } = {};
    const add = (key: keyof Runs, run: LoadResult) => {
      collected[key] ??= [];
      collected[key].push(run);
      return run;
    };
    const runWrk = (run: WrkRun) => {
      beforeLoad();
      return measuredRun(run, cpuSnapshot);
    };
    const sample = { url: `${base}/api/trpc/overview.sample`, script: "get" as const, ...load };
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of scenarios) {
        await settle();
        let shown: LoadResult;
        if (scenario === "sample") {
          shown = add("sample", await runWrk(sample));
        } else if (scenario === "me") {
          shown = add("me", await runWrk(me));
        } else if (scenario === "login") {
          shown = add("login", await runWrk(login));
        } else if (scenario === "flood") {
          beforeLoad();
          const [floodMe, floodLogin] = await Promise.all([startWrk(me), startWrk(login)]);
          add("floodLogin", floodLogin);
          shown = add("floodMe", floodMe);
        } else {
          // Twice as many chains as connections: a chain whose answer is in flight is never reused.
          const chains = await openSessions(base, users, Math.max(2 * load.connections, USERS));
          const refreshFile = path.join(dir, `refresh-${randomBytes(3).toString("hex")}.txt`);
          await writeFile(refreshFile, `${chains.join("\n")}\n`);
          shown = add(
            "refresh",
            await runWrk({
              url: `${base}/api/trpc/auth.refresh`,
              script: "refresh",
              ...load,
              files: { BENCH_TOKENS: refreshFile },
            }),
          );
        }
        log(
          `${scenario} ${shown.rps} req/s, p99 ${shown.p99Ms} ms, non-2xx ${shown.non2xx}${roundNote(round, rounds)}`,
        );
      }
    }
    const runs = combined(collected);
    if (pairs === 0 || !scenarios.includes("sample") || !scenarios.includes("me")) return { runs };
    const short = { durationSec: PAIR_RUN_SEC };
    const measured: Pair[] = [];
    for (let i = 0; i < pairs; i++) {
      await settle();
      // Alternating which goes first: a server warming up or slowing down over the pairs
      // favours neither.
      const first = i % 2 === 0 ? "sample" : "me";
      const a = await runWrk({ ...(first === "sample" ? sample : me), ...short });
      const b = await runWrk({ ...(first === "sample" ? me : sample), ...short });
      const pair = first === "sample" ? { sample: a, me: b } : { sample: b, me: a };
      measured.push(pair);
      log(
        `side by side ${i + 1}/${pairs}: sample ${pair.sample.rps}, me ${pair.me.rps} req/s (${(pair.me.rps / pair.sample.rps).toFixed(3)})`,
      );
    }
    const sideBySide = sideBySideOf(measured, PAIR_RUN_SEC);
    return sideBySide ? { runs, sideBySide } : { runs };
  });
}
