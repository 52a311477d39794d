// The load scenarios on one running server: its own users, then each scenario a bounded wrk run.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { signFloorToken } from "./floors/hs256";
import type { Scenario, TargetResult } from "./results";
import { FLOOR_USERS } from "./targets";
import { openSessions, registerUsers } from "./users";
import { runWrk as startWrk, type WrkRun } from "./wrk";

export interface LoadSettings {
  durationSec: number;
  connections: number;
}

const USERS = 16;
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

/** Floors answer auth.me only: tokens signed here with the floors' key, for users u0..u63. */
export function floorRuns(
  base: string,
  floorSecret: string,
  load: LoadSettings,
): Promise<TargetResult["runs"]> {
  return withFiles(async (dir) => {
    const secret = Buffer.from(floorSecret, "hex");
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const tokens = Array.from({ length: FLOOR_USERS }, (_, i) =>
      signFloorToken({ sub: `u${i}`, sid: `s${i}`, exp }, secret),
    );
    const tokenFile = path.join(dir, "access.txt");
    await writeFile(tokenFile, `${tokens.join("\n")}\n`);
    const me = await startWrk({
      url: `${base}/api/trpc/auth.me`,
      script: "get",
      ...load,
      files: { BENCH_TOKENS: tokenFile },
    });
    log(`me ${me.rps} req/s`);
    return { me };
  });
}

/**
 * Every chosen scenario on an app server, in a fixed order. `beforeLoad` runs just before each
 * measured window (the profiler restarts there, leaving start-up and set-up out).
 */
export function appRuns(
  base: string,
  scenarios: Scenario[],
  load: LoadSettings,
  beforeLoad: () => void = () => {},
): Promise<TargetResult["runs"]> {
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
    const runs: TargetResult["runs"] = {};
    const runWrk = (run: WrkRun) => {
      beforeLoad();
      return startWrk(run);
    };
    for (const scenario of scenarios) {
      await settle();
      if (scenario === "sample") {
        runs.sample = await runWrk({
          url: `${base}/api/trpc/overview.sample`,
          script: "get",
          ...load,
        });
      } else if (scenario === "me") {
        runs.me = await runWrk(me);
      } else if (scenario === "login") {
        runs.login = await runWrk(login);
      } else if (scenario === "flood") {
        beforeLoad();
        [runs.floodMe, runs.floodLogin] = await Promise.all([startWrk(me), startWrk(login)]);
      } else if (scenario === "refresh") {
        // Twice as many chains as connections: a chain whose answer is in flight is never reused.
        const chains = await openSessions(base, users, Math.max(2 * load.connections, USERS));
        const refreshFile = path.join(dir, `refresh-${randomBytes(3).toString("hex")}.txt`);
        await writeFile(refreshFile, `${chains.join("\n")}\n`);
        runs.refresh = await runWrk({
          url: `${base}/api/trpc/auth.refresh`,
          script: "refresh",
          ...load,
          files: { BENCH_TOKENS: refreshFile },
        });
      }
      const result = scenario === "flood" ? runs.floodMe : runs[scenario];
      if (result)
        log(`${scenario} ${result.rps} req/s, p99 ${result.p99Ms} ms, non-2xx ${result.non2xx}`);
    }
    return runs;
  });
}
