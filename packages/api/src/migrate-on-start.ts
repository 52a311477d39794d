// Start-up's schema step, as DATABASE_MIGRATE says: migrate, or only check (a DML-only role).
import { MigrationError, migrate, requireMigrated } from "@kit/db";
import type { ServerEnv } from "./env";

/**
 * DATABASE_MIGRATE=on: applies pending migrations (the role must own the schema). Off: only
 * checks, read-only and without the migrations lock, that none is pending, so the app can run as
 * a role that reads and writes rows while the schema owner migrates as a release step.
 * Both bounded by DATABASE_TIMEOUT: a server that accepts but never answers fails start-up.
 * `log` prints a start-up database line as it is given (the caller's says `[db]`).
 */
export async function migrateOrCheck(
  env: ServerEnv,
  url: string,
  log: (line: string) => void,
): Promise<void> {
  const timeoutMs = env.databaseTimeout * 1000;
  if (!env.migrateOnStart) {
    try {
      await requireMigrated(url, { log, timeoutMs });
    } catch (error) {
      if (error instanceof MigrationError && error.code === "MIGRATIONS_PENDING") {
        throw new MigrationError(
          error.code,
          `DATABASE_MIGRATE=off and ${lowerFirst(error.message)}, then start again`,
          { migration: error.migration, cause: error },
        );
      }
      throw error;
    }
    return;
  }
  try {
    const { applied } = await migrate(url, { log, timeoutMs });
    if (applied.length > 0) log(`applied ${applied.length} migration(s)`);
  } catch (error) {
    // A role that only reads and writes rows, started with the default: say what to set.
    if (error instanceof MigrationError && error.code === "MIGRATION_NOT_PERMITTED") {
      throw new MigrationError(
        error.code,
        `${error.message}, and start this role with DATABASE_MIGRATE=off`,
        { migration: error.migration, cause: error },
      );
    }
    throw error;
  }
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
