// A command's database: the server's (DATABASE_URL, or the embedded one in DATA_DIR), migrated.
import { createPrismaClient, migrationStatus, type PrismaClient } from "@kit/db";
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
    const { pending, failed } = await migrationStatus(database.url, { timeoutMs });
    if (pending.length > 0 || failed.length > 0) {
      throw new CliError(
        "NOT_MIGRATED",
        `the database is not fully migrated (${[...failed, ...pending].join(", ")}): run pnpm db:migrate`,
      );
    }
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
