// `pnpm db:seed`: create the demo accounts (embedded database only, like start-up does).
import { createPrismaClient, ensureEmbeddedPostgres } from "@kit/db";
import { loadEnv } from "../env";
import { DEMO_EMAILS, seedDemoUsers } from "../seed";

const env = loadEnv();
if (env.databaseUrl) {
  console.error("[db] DATABASE_URL is set: the demo user is only seeded on the embedded database.");
  process.exit(1);
}
const database = await ensureEmbeddedPostgres({ dataDir: env.dataDir, log: console.log });
const prisma = createPrismaClient(database.url);
try {
  const created = await seedDemoUsers(prisma);
  for (const email of DEMO_EMAILS) {
    console.log(created.includes(email) ? `[db] created ${email}` : `[db] ${email} exists`);
  }
} finally {
  await prisma.$disconnect();
  await database.stop();
}
