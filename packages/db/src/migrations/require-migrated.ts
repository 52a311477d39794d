// The read-only counterpart of `migrate`: for a process that must not change the schema (a
// server whose role may only read and write rows), it refuses a database that is not migrated.
import { MigrationError } from "../errors";
import { describeServer } from "./migration-connection";
import { type MigrationStatus, migrationStatus } from "./migration-status";

export interface RequireMigratedOptions {
  /** Default: `<workspace root>/prisma/migrations`. */
  migrationsDir?: string;
  log?: (line: string) => void;
  /** How long connecting, and each query, may wait on the server. Default 5 s. */
  timeoutMs?: number;
}

/**
 * Throws unless every migration in the folder is applied, judging by the runner's rules: a
 * failed or edited migration is refused as `migrate` refuses it (MIGRATION_FAILED,
 * MIGRATION_MODIFIED), a pending one is MIGRATIONS_PENDING, and migrations applied but absent
 * from the folder (a database ahead of this code, as after a rollback) are a logged warning, as
 * `migrate` logs them. Takes no lock and writes nothing, not even the history table.
 *
 * @example
 * await requireMigrated(databaseUrl, { log: console.log }); // instead of migrate()
 */
export async function requireMigrated(
  url: string,
  options: RequireMigratedOptions = {},
): Promise<MigrationStatus> {
  const status = await migrationStatus(url, {
    migrationsDir: options.migrationsDir,
    timeoutMs: options.timeoutMs,
  });
  const [failed] = status.failed;
  if (failed !== undefined) {
    throw new MigrationError(
      "MIGRATION_FAILED",
      `Migration ${failed} failed earlier and was not resolved: the schema owner has to undo ` +
        "what it did and mark it rolled back (see `migrate`'s message), then run pnpm db:migrate",
      { migration: failed },
    );
  }
  const [modified] = status.modified;
  if (modified !== undefined) {
    throw new MigrationError(
      "MIGRATION_MODIFIED",
      `Migration ${modified} was edited after it was applied; restore the file and put the ` +
        "change in a new migration",
      { migration: modified },
    );
  }
  if (status.pending.length > 0) {
    throw new MigrationError(
      "MIGRATIONS_PENDING",
      `${describeServer(url)} lacks ${status.pending.length} migration(s) this code needs: ` +
        `${status.pending.join(", ")}; run pnpm db:migrate as the schema owner first`,
      { migration: status.pending[0] },
    );
  }
  if (status.unknown.length > 0) {
    options.log?.(
      `warning: applied migrations not in the migrations folder: ${status.unknown.join(", ")}`,
    );
  }
  return status;
}
