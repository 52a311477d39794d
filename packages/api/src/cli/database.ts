// A command's database: the server's (DATABASE_URL, or the embedded one in DATA_DIR), migrated.
import { createPrismaClient, MigrationError, type PrismaClient, requireMigrated } from "@kit/db";
import { openDatabase } from "../database";
import type { ServerEnv } from "../env";
import { CliError } from "./errors";
import type { CliIo } from "./io";

/**
 * Runs `work` with a Prisma client on the configured database (and its URL), then closes both. Refuses a
 * database with pending migrations: a command must not write into a schema a server has not
 * finished (the server, or `pnpm db:migrate`, applies them).
 */
export async function withDatabase<T>(
  env: ServerEnv,
  io: CliIo,
  work: (prisma: PrismaClient, url: string) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(env, io.err, false);
  // DATABASE_TIMEOUT bounds a command's every wait on the database, as it does a server's.
  const timeoutMs = env.databaseTimeout * 1000;
  try {
    await requireMigratedForWrites(database.url, timeoutMs, io.err);
    const prisma = createPrismaClient(database.url, { applicationName: "kit-cli", timeoutMs });
    try {
      return await work(prisma, database.url);
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    await database.stop();
  }
}

// The schema states a server would refuse as well; the database not answering stays its own.
const UNFINISHED_SCHEMA = new Set(["MIGRATIONS_PENDING", "MIGRATION_FAILED", "MIGRATION_MODIFIED"]);

/**
 * Throws NOT_MIGRATED, in `requireMigrated`'s words (which migration, and who applies it), unless
 * every migration is applied: a command must not write into a schema a server has not finished.
 */
export async function requireMigratedForWrites(
  url: string,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<void> {
  try {
    await requireMigrated(url, { timeoutMs, log });
  } catch (error) {
    if (error instanceof MigrationError && UNFINISHED_SCHEMA.has(error.code)) {
      throw new CliError("NOT_MIGRATED", error.message, { cause: error });
    }
    throw error;
  }
}
