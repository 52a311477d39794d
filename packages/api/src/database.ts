// The database this process uses: DATABASE_URL as given, or the embedded PostgreSQL in dataDir.
import { ensureEmbeddedPostgres } from "@kit/db";
import type { ServerEnv } from "./env";

export interface OpenDatabase {
  url: string;
  /** Stops the embedded server if this process started it; nothing for DATABASE_URL. */
  stop(): Promise<void>;
}

export async function openDatabase(
  env: Pick<ServerEnv, "databaseUrl" | "dataDir">,
  log: (line: string) => void,
  /** False: the embedded database must exist already (an operator's command; see `create`). */
  create = true,
): Promise<OpenDatabase> {
  if (env.databaseUrl) return { url: env.databaseUrl, stop: async () => {} };
  return ensureEmbeddedPostgres({ dataDir: env.dataDir, log, create });
}
