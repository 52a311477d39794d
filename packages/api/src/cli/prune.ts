// `pnpm auth sessions prune`: the servers' hourly pruning, run once now.
import { poolOf } from "@kit/db";
import { readDatabaseClock, rotationNow } from "../database-clock";
import type { ServerEnv } from "../env";
import { pruneExpired } from "../services/prune";
import { withDatabase } from "./database";
import type { CliIo } from "./io";

export async function pruneOnce(env: ServerEnv, io: CliIo): Promise<void> {
  const counts = await withDatabase(env, io, async (prisma) => {
    // What is over, by the database's clock: a machine whose own runs ahead would delete live
    // sessions and lock-outs (the clock tester's +2 h deleted every one).
    await readDatabaseClock(prisma);
    const now = rotationNow({ now: Date.now, pool: poolOf(prisma) });
    return pruneExpired(prisma, { now, eventRetentionMs: env.auditRetention * 1000 });
  });
  io.out(
    `pruned ${counts.sessions} session(s), ${counts.events} audit event(s), ${counts.rateLimits} rate-limit row(s)`,
  );
}
