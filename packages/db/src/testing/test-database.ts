// provisionTestDatabase: a fresh, migrated database for one test run, on any PostgreSQL server.
import { randomBytes } from "node:crypto";
import { createDatabaseIfMissing, databaseUrl, dropDatabase } from "../embedded/database";
import { startThrowawayPostgres } from "../embedded/throwaway-postgres";
import { migrate } from "../migrations/migrate";

export interface ProvisionTestDatabaseOptions {
  /** An existing server (e.g. CI's, from TEST_DATABASE_URL); default: a throwaway server. */
  serverUrl?: string;
  /** Passed to `migrate`; default `<workspace root>/prisma/migrations`. */
  migrationsDir?: string;
}

/**
 * With `serverUrl`, creates a uniquely named database on that server and drops it on dispose;
 * without, starts a throwaway server and stops it on dispose. Either way the database is
 * migrated. Meant for Vitest globalSetup (one per run) or a test file's beforeAll.
 *
 * @example
 * const db = await provisionTestDatabase({ serverUrl: process.env.TEST_DATABASE_URL });
 * // ... tests use db.url ...
 * await db.dispose();
 */
export async function provisionTestDatabase(
  options: ProvisionTestDatabaseOptions = {},
): Promise<{ url: string; dispose(): Promise<void> }> {
  const migrateOptions = { migrationsDir: options.migrationsDir };
  const { serverUrl } = options;
  if (serverUrl === undefined || serverUrl === "") {
    const server = await startThrowawayPostgres();
    try {
      await migrate(server.url, migrateOptions);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return { url: server.url, dispose: server.stop };
  }

  const name = `kit_test_${randomBytes(6).toString("hex")}`;
  await createDatabaseIfMissing(serverUrl, name);
  const url = databaseUrl(serverUrl, name);
  const dispose = () => dropDatabase(serverUrl, name);
  try {
    await migrate(url, migrateOptions);
  } catch (err) {
    await dispose();
    throw err;
  }
  return { url, dispose };
}
