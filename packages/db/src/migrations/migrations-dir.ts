// Reads Prisma's migrations folder: <timestamp>_<name>/migration.sql, plus migration_lock.toml.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { MigrationError } from "../errors";
import { migrationChecksum } from "./migration-checksum";

export interface LocalMigration {
  /** The folder's name, which is what Prisma records as `migration_name`. */
  name: string;
  script: string;
  checksum: string;
}

/** The migrations in the order Prisma applies them: folder names sorted (timestamps first). */
export async function readMigrationsDir(dir: string): Promise<LocalMigration[]> {
  let entries: import("node:fs").Dirent[];
  try {
    // The comment keeps Turbopack from tracing (and bundling) the whole project from here.
    entries = await readdir(/*turbopackIgnore: true*/ dir, { withFileTypes: true });
  } catch (cause) {
    throw new MigrationError("MIGRATIONS_NOT_FOUND", `Cannot read migrations folder ${dir}`, {
      cause,
    });
  }
  await checkLockFile(dir);

  const names = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name, "migration.sql");
      let bytes: Buffer;
      try {
        bytes = await readFile(/*turbopackIgnore: true*/ file);
      } catch (cause) {
        // Prisma refuses a migration folder without its script too (P3015).
        throw new MigrationError("MIGRATIONS_NOT_FOUND", `Migration ${name} has no migration.sql`, {
          migration: name,
          cause,
        });
      }
      return { name, script: bytes.toString("utf8"), checksum: migrationChecksum(bytes) };
    }),
  );
}

// Prisma refuses to apply a folder written for another database (P3019); so do we.
async function checkLockFile(dir: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(/*turbopackIgnore: true*/ path.join(dir, "migration_lock.toml"), "utf8");
  } catch {
    return; // Optional, as for Prisma: older folders have none.
  }
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(text)?.[1];
  if (provider !== undefined && provider !== "postgresql") {
    throw new MigrationError(
      "MIGRATION_PROVIDER_MISMATCH",
      `${dir} holds migrations for "${provider}", not "postgresql"`,
    );
  }
}
