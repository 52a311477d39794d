// `pnpm db:migrate`: apply pending migrations to DATABASE_URL, or to the embedded database.
import { migrate } from "@kit/db";
import { openDatabase } from "../database";
import { loadEnv } from "../env";

const env = loadEnv();
const log = (line: string) => console.log(line);
const database = await openDatabase(env, log);
try {
  const { applied } = await migrate(database.url, { log, timeoutMs: env.databaseTimeout * 1000 });
  console.log(applied.length ? `[db] applied: ${applied.join(", ")}` : "[db] already up to date");
} finally {
  await database.stop();
}
