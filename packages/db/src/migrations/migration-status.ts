// Which migrations a database lacks, read-only: what `pnpm auth check` reports before a server
// would apply them (the runner in migrate.ts writes; this never does, not even its table).
import path from "node:path";
import type pg from "pg";
import { DEFAULT_DATABASE_TIMEOUT_MS } from "../database-timeout";
import { findWorkspaceRoot } from "../workspace-root";
import { scriptMatchesChecksum } from "./migration-checksum";
import { closeConnection, connectBounded, queryBounded, stalledBy } from "./migration-connection";
import { readMigrationsDir } from "./migrations-dir";

export interface MigrationStatus {
  /** In the folder, not applied: the next `migrate` would run these. */
  pending: string[];
  /** Started and never finished (or failed unresolved): a person has to look. */
  failed: string[];
  /** Applied, but the file changed since: `migrate` refuses to run. */
  modified: string[];
  /** Applied here but absent from the folder: the database is ahead of this code. */
  unknown: string[];
}

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/**
 * Compares the migrations folder with `_prisma_migrations` by the runner's rules (rolled-back
 * rows ignored, checksums compared), without taking the migrations lock or writing anything.
 *
 * @example
 * const { pending } = await migrationStatus(databaseUrl);
 */
export async function migrationStatus(
  url: string,
  options: { migrationsDir?: string; timeoutMs?: number } = {},
): Promise<MigrationStatus> {
  const dir = options.migrationsDir ?? path.join(findWorkspaceRoot(), "prisma", "migrations");
  const local = await readMigrationsDir(dir);
  // Bounded as the runner is: a server start that checks instead of migrating must not hang.
  const timeoutMs = options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS;
  const client = await connectBounded(url, timeoutMs);
  const query = <R extends pg.QueryResultRow>(text: string) =>
    queryBounded<R>(client, url, timeoutMs, text);
  let rows: HistoryRow[] = [];
  let stalled = false;
  try {
    const exists = await query<{ table: string | null }>(
      "SELECT to_regclass('_prisma_migrations')::text AS table",
    );
    if (exists.rows[0]?.table != null) {
      const result = await query<HistoryRow>(
        `SELECT migration_name, checksum, finished_at FROM _prisma_migrations
          WHERE rolled_back_at IS NULL ORDER BY started_at`,
      );
      rows = result.rows;
    }
  } catch (error) {
    stalled = stalledBy(error);
    throw error;
  } finally {
    await closeConnection(client, stalled);
  }
  const byName = new Map(local.map((migration) => [migration.name, migration]));
  const status: MigrationStatus = { pending: [], failed: [], modified: [], unknown: [] };
  const done = new Set<string>();
  for (const row of rows) {
    done.add(row.migration_name);
    const file = byName.get(row.migration_name);
    if (row.finished_at === null) status.failed.push(row.migration_name);
    else if (!file) status.unknown.push(row.migration_name);
    else if (!scriptMatchesChecksum(file.script, row.checksum)) {
      status.modified.push(row.migration_name);
    }
  }
  status.pending = local.filter((migration) => !done.has(migration.name)).map((m) => m.name);
  return status;
}
