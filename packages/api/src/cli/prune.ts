// `pnpm auth sessions prune`: the servers' hourly pruning, run once now.
import type { ServerEnv } from "../env";
import { pruneExpired } from "../services/prune";
import { withDatabase } from "./database";
import type { CliIo } from "./io";

export async function pruneOnce(env: ServerEnv, io: CliIo): Promise<void> {
  const counts = await withDatabase(env, io, (prisma) =>
    pruneExpired(prisma, { now: Date.now(), eventRetentionMs: env.auditRetention * 1000 }),
  );
  io.out(
    `pruned ${counts.sessions} session(s), ${counts.events} audit event(s), ${counts.rateLimits} rate-limit row(s)`,
  );
}
