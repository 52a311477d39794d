// `pnpm db:seed`: create the demo accounts (embedded database only, like start-up does).
// A failure is one line and exit 1, never a stack trace.
import { createPrismaClient, ensureEmbeddedPostgres } from "@kit/db";
import { requireMigratedForWrites } from "../cli/database";
import { loadEnv } from "../env";
import { DEMO_EMAILS, seedDemoUsers } from "../seed";

async function seed(): Promise<number> {
  const env = loadEnv();
  if (env.databaseUrl) {
    console.error(
      "[db] DATABASE_URL is set: the demo user is only seeded on the embedded database.",
    );
    return 1;
  }
  // Never a new cluster in a mistyped folder, nor rows in a schema not made yet: the tables
  // are the migrations' to create (pnpm start or pnpm db:migrate), as for pnpm auth.
  const database = await ensureEmbeddedPostgres({
    dataDir: env.dataDir,
    log: (line) => console.log(`[db] ${line}`),
    create: false,
  });
  const timeoutMs = env.databaseTimeout * 1000;
  const prisma = createPrismaClient(database.url, { timeoutMs });
  try {
    await requireMigratedForWrites(database.url, timeoutMs, (line) =>
      console.error(`[db] ${line}`),
    );
    const created = await seedDemoUsers(prisma);
    for (const email of DEMO_EMAILS) {
      console.log(created.includes(email) ? `[db] created ${email}` : `[db] ${email} exists`);
    }
    return 0;
  } finally {
    await prisma.$disconnect();
    await database.stop();
  }
}

try {
  process.exitCode = await seed();
} catch (error) {
  console.error(`[db] seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
