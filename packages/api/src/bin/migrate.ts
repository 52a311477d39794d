// `pnpm db:migrate`: apply pending migrations to DATABASE_URL, or to the embedded database.
// An operator runs it by hand or as a release step: a failure is one line and exit 1, never a
// stack trace (a wrong role, an unreachable host and a bad setting each say what to do).
import { migrate } from "@kit/db";
import { openDatabase } from "../database";
import { loadEnv } from "../env";

const log = (line: string) => console.log(`[db] ${line}`);
try {
  const env = loadEnv();
  const database = await openDatabase(env, log);
  try {
    const { applied } = await migrate(database.url, { log, timeoutMs: env.databaseTimeout * 1000 });
    console.log(applied.length ? `[db] applied: ${applied.join(", ")}` : "[db] already up to date");
  } finally {
    await database.stop();
  }
} catch (error) {
  console.error(`[db] migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
