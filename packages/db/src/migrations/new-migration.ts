// A new migration's folder: its name checked, its timestamp after every existing one.
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { SchemaDiffError } from "../errors";

// Lower-case, so the folder sorts and reads the same on every file system; the length keeps
// `<timestamp>_<name>` inside `_prisma_migrations.migration_name` (255 characters).
const NAME = /^[a-z0-9_]{1,200}$/;
const STAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/;

/** Throws `MIGRATION_NAME_INVALID` unless `name` is lower-case letters, digits and underscores. */
export function checkMigrationName(name: string): void {
  if (!NAME.test(name)) {
    throw new SchemaDiffError(
      "MIGRATION_NAME_INVALID",
      `invalid migration name ${JSON.stringify(name)}: use lower-case letters, digits and ` +
        "underscores (at most 200), e.g. add_notes",
    );
  }
}

function utcStamp(time: Date): string {
  return time.toISOString().replace(/\D/g, "").slice(0, 14);
}

/**
 * `<YYYYMMDDHHMMSS>_<name>` in UTC, at `now` or one second after the newest of `existing` if
 * that is not later: migrations apply in name order, so a clock that is behind (or two
 * migrations in one second) must not put the new one before an older one.
 *
 * @example
 * migrationFolderName("add_notes", ["20261201170000_session_change_notify"], new Date())
 * // "20261201203015_add_notes"
 */
export function migrationFolderName(name: string, existing: string[], now: Date): string {
  checkMigrationName(name);
  let stamp = utcStamp(now);
  const newest = existing
    .map((folder) => STAMP.exec(folder)?.[0])
    .filter((found) => found !== undefined)
    .sort()
    .at(-1);
  if (newest !== undefined && stamp <= newest) {
    const [, y, mo, d, h, mi, s] = (STAMP.exec(newest) ?? []).map(Number);
    stamp = utcStamp(new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, (s ?? 0) + 1)));
  }
  return `${stamp}_${name}`;
}

/** Writes `sql` as a new migration in `migrationsDir`; returns the migration.sql path. */
export async function writeMigration(
  migrationsDir: string,
  name: string,
  sql: string,
  now: Date = new Date(),
): Promise<string> {
  const existing = await readdir(migrationsDir);
  const folder = path.join(migrationsDir, migrationFolderName(name, existing, now));
  // Not recursive: an existing folder of that name is an error, never overwritten.
  await mkdir(folder);
  const file = path.join(folder, "migration.sql");
  await writeFile(file, sql);
  return file;
}
