// The migrations runner: applies prisma/migrations with `pg`, keeping Prisma's own bookkeeping.
import { randomUUID } from "node:crypto";
import path from "node:path";
import type pg from "pg";
import { DEFAULT_DATABASE_TIMEOUT_MS } from "../database-timeout";
import { MigrationError } from "../errors";
import { findWorkspaceRoot } from "../workspace-root";
import { scriptMatchesChecksum } from "./migration-checksum";
import { closeConnection, connectBounded, queryBounded, stalledBy } from "./migration-connection";
import { type LocalMigration, readMigrationsDir } from "./migrations-dir";

export interface MigrateOptions {
  /** Default: `<workspace root>/prisma/migrations`. */
  migrationsDir?: string;
  log?: (line: string) => void;
  /** How long to wait for another migrator (ours or `prisma migrate deploy`). Default 60 s. */
  lockTimeoutMs?: number;
  /**
   * How long connecting, and each bookkeeping statement, may wait on the server (the runtime
   * passes DATABASE_TIMEOUT). Past it, MigrationError DATABASE_UNREACHABLE. Default 5 s. The
   * migration scripts themselves are not bounded: a slow one is legitimate.
   */
  timeoutMs?: number;
}

// Prisma's own key (prisma-engines, sql-schema-connector postgres flavour `acquire_lock`): our
// runner and `prisma migrate deploy` exclude each other as well as two of our instances.
const ADVISORY_LOCK_KEY = 72707369;

// Verbatim from prisma-engines (`create_migrations_table`), so Prisma's CLI reads our history.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies every migration not yet recorded in `_prisma_migrations`, each in its own transaction
 * together with its row. Safe to call from several processes at once: they queue on an advisory
 * lock and the later ones find nothing left to do.
 *
 * @example
 * const { applied } = await migrate(databaseUrl, { log: console.log });
 */
export async function migrate(
  url: string,
  options: MigrateOptions = {},
): Promise<{ applied: string[] }> {
  const dir = options.migrationsDir ?? path.join(findWorkspaceRoot(), "prisma", "migrations");
  const log = options.log ?? (() => {});
  const local = await readMigrationsDir(dir);

  const timeoutMs = options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS;
  const client = await connectBounded(url, timeoutMs);
  const query = <R extends pg.QueryResultRow>(text: string, values?: unknown[], waitMs = 0) =>
    queryBounded<R>(client, url, timeoutMs + waitMs, text, values);
  let stalled = false;
  try {
    await acquireLock(query, options.lockTimeoutMs ?? 60_000);
    const history = await readHistory(query, url);
    const pending = pendingMigrations(local, history, log);
    const applied: string[] = [];
    for (const migration of pending) {
      const started = performance.now();
      await applyMigration(client, migration, url);
      applied.push(migration.name);
      log(`applied migration ${migration.name} (${Math.round(performance.now() - started)} ms)`);
    }
    return { applied };
  } catch (error) {
    stalled = stalledBy(error);
    throw error;
  } finally {
    // Ending the session would release the lock as well; unlocking says so explicitly. A server
    // that stopped answering gets neither: both would wait on it.
    if (!stalled) await query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]).catch(() => {});
    await closeConnection(client, stalled);
  }
}

type Query = <R extends pg.QueryResultRow>(
  text: string,
  values?: unknown[],
  waitMs?: number,
) => Promise<pg.QueryResult<R>>;

async function acquireLock(query: Query, timeoutMs: number): Promise<void> {
  // lock_timeout applies to advisory locks too; Prisma gives up after 10 s, we wait longer
  // because the instance holding the lock may be running a slow migration.
  await query(`SET lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
  try {
    // Waiting for the lock is allowed its own time on top of the server's answer.
    await query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY], timeoutMs);
  } catch (cause) {
    if ((cause as { code?: unknown }).code === "55P03") {
      throw new MigrationError(
        "MIGRATION_LOCK_TIMEOUT",
        `Another migrator held the migrations lock for more than ${timeoutMs} ms`,
        { cause },
      );
    }
    throw cause;
  }
  await query("RESET lock_timeout");
}

async function readHistory(query: Query, url: string): Promise<HistoryRow[]> {
  const exists = await query<{ table: string | null }>(
    "SELECT to_regclass('_prisma_migrations')::text AS table",
  );
  if (exists.rows[0]?.table == null) {
    try {
      await query(CREATE_MIGRATIONS_TABLE);
    } catch (cause) {
      if (!isPermissionDenied(cause)) throw cause;
      throw notPermitted(url, "The migrations history table was not created", cause);
    }
    return [];
  }
  const result = await query<HistoryRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at
       FROM _prisma_migrations ORDER BY started_at`,
  );
  return result.rows;
}

function pendingMigrations(
  local: LocalMigration[],
  history: HistoryRow[],
  log: (line: string) => void,
): LocalMigration[] {
  // Rows marked rolled back (by `prisma migrate resolve --rolled-back`, or by us after a failed
  // attempt) are ignored, as Prisma ignores them.
  const live = history.filter((row) => row.rolled_back_at === null);

  // A started but unfinished row means the database may be half migrated: a person has to look
  // (Prisma's P3009). Continuing past it could build on a schema that is not there.
  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      "MIGRATION_FAILED",
      `Migration ${failed.migration_name} failed earlier and was not resolved. Undo what it ` +
        "did, then mark it as `prisma migrate resolve --rolled-back` does: UPDATE " +
        `_prisma_migrations SET rolled_back_at = now() WHERE migration_name = '${failed.migration_name}' ` +
        "AND finished_at IS NULL",
      { migration: failed.migration_name },
    );
  }

  const byName = new Map(local.map((migration) => [migration.name, migration]));
  const done = new Set<string>();
  const missing: string[] = [];
  for (const row of live) {
    done.add(row.migration_name);
    const file = byName.get(row.migration_name);
    if (!file) {
      missing.push(row.migration_name);
    } else if (!scriptMatchesChecksum(file.script, row.checksum)) {
      // The database ran other SQL than the file now says: the schema it describes is not the
      // one in the database, and re-running is not an option.
      throw new MigrationError(
        "MIGRATION_MODIFIED",
        `Migration ${row.migration_name} was edited after it was applied; restore the file ` +
          "and put the change in a new migration",
        { migration: row.migration_name },
      );
    }
  }
  // Applied here but not in the folder: the database is ahead of this code, e.g. an older
  // release starting after a newer one migrated (a rollback). Prisma only reports this too;
  // refusing would make rolling back impossible, and the schema-drift test catches a lost file.
  if (missing.length > 0) {
    log(`warning: applied migrations not in the migrations folder: ${missing.join(", ")}`);
  }
  return local.filter((migration) => !done.has(migration.name));
}

// SQLSTATE insufficient_privilege: e.g. a role granted only SELECT/INSERT/UPDATE/DELETE.
function isPermissionDenied(error: unknown): boolean {
  return (error as { code?: unknown }).code === "42501";
}

/** One line that says who may do it instead; the role is named, never the password. */
function notPermitted(url: string, what: string, cause: unknown, migration?: string) {
  let role = "";
  try {
    role = decodeURIComponent(new URL(url).username);
  } catch {}
  return new MigrationError(
    "MIGRATION_NOT_PERMITTED",
    `${what}: the database role ${role ? `"${role}" ` : ""}may not change the schema ` +
      `(${(cause as Error).message}); apply migrations as the schema owner (pnpm db:migrate)`,
    { migration, cause },
  );
}

async function applyMigration(
  client: pg.Client,
  migration: LocalMigration,
  url: string,
): Promise<void> {
  const id = randomUUID();
  try {
    // The script and its row commit together: a crash or an error leaves neither behind. (A
    // script that cannot run in a transaction, e.g. CREATE INDEX CONCURRENTLY, is not supported.)
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at)
       VALUES ($1, $2, $3, clock_timestamp())`,
      [id, migration.checksum, migration.name],
    );
    // No parameters: pg sends the whole multi-statement file as one simple query.
    await client.query(migration.script);
    await client.query(
      `UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1
       WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (cause) {
    await client.query("ROLLBACK").catch(() => {});
    // Keep the attempt and its error for whoever investigates, marked rolled back (which it
    // was), so a corrected file can be applied on the next run without manual resolution.
    await client
      .query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, rolled_back_at, started_at)
         VALUES ($1, $2, $3, $4, now(), now())`,
        [id, migration.checksum, migration.name, String(cause)],
      )
      .catch(() => {});
    if (isPermissionDenied(cause)) {
      throw notPermitted(url, `Migration ${migration.name} was not applied`, cause, migration.name);
    }
    throw new MigrationError(
      "MIGRATION_FAILED",
      `Migration ${migration.name} failed and was rolled back: ${String(cause)}`,
      { migration: migration.name, cause },
    );
  }
}
