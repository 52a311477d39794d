// Start-up: make the database ready (embedded server, migrations, demo user) and build the deps.
import { createSecretKey, createTokenService } from "@kit/auth";
import { createPrismaClient, migrate } from "@kit/db";
import { openDatabase } from "./database";
import type { AppDeps } from "./deps";
import type { ServerEnv } from "./env";
import { createAuthRateLimiter, type RateLimitSettings } from "./rate-limit";
import { checkPreviousSecrets, resolveAuthSecret } from "./secret";
import { DEMO_USER, seedDemoUser } from "./seed";

export interface Runtime {
  deps: AppDeps;
  databaseUrl: string;
  /** True when this process runs on the embedded PostgreSQL (started here or reused). */
  embedded: boolean;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: (line: string) => void;
  /** Overrides of the default thresholds (see rate-limit/settings.ts). */
  rateLimits?: Partial<RateLimitSettings>;
  /** Skip the demo user even on the embedded database. */
  seed?: boolean;
}

export async function startRuntime(env: ServerEnv, options: StartOptions = {}): Promise<Runtime> {
  const log = options.log ?? ((line: string) => console.log(line));
  // Configuration first: a weak secret stops start-up before any database work.
  const secret = await resolveAuthSecret({
    secret: env.authSecret,
    dataDir: env.dataDir,
    production: env.nodeEnv === "production",
    warn: (line) => log(`[auth] warning: ${line}`),
  });
  const previousSecrets = checkPreviousSecrets(env.previousSecrets, {
    production: env.nodeEnv === "production",
    warn: (line) => log(`[auth] warning: ${line}`),
  });
  const tokens = createTokenService({
    key: createSecretKey(secret),
    previousKeys: previousSecrets.map((previous) => createSecretKey(previous)),
    accessTtl: env.accessTtl,
    refreshTtl: env.refreshTtl,
  });
  const database = await openDatabase(env, log);
  const prisma = createPrismaClient(database.url);
  try {
    const { applied } = await migrate(database.url, { log });
    if (applied.length > 0) log(`[db] applied ${applied.length} migration(s)`);
    // The demo account exists only where nobody configured a database: never in a deployment.
    if (!env.databaseUrl && options.seed !== false && (await seedDemoUser(prisma))) {
      log(`[db] demo user created: ${DEMO_USER.email}`);
    }
    const limiter = createAuthRateLimiter({
      store: env.redisUrl
        ? { kind: "redis", url: env.redisUrl }
        : { kind: "postgres", url: database.url },
      settings: { ...env.rateLimits, ...options.rateLimits },
      log,
    });
    const deps: AppDeps = {
      prisma,
      tokens,
      limiter,
      trustProxy: env.trustProxy,
      sessions: {
        refreshReuseGraceMs: env.refreshReuseGrace * 1000,
        sessionMaxAgeMs: env.sessionMaxAge * 1000,
      },
      now: Date.now,
      exposeErrors: env.nodeEnv === "development",
      logError: (line) => console.error(line),
    };
    return {
      deps,
      databaseUrl: database.url,
      embedded: !env.databaseUrl,
      async close() {
        await limiter.close();
        await prisma.$disconnect();
        await database.stop();
      },
    };
  } catch (error) {
    await prisma.$disconnect();
    await database.stop();
    throw error;
  }
}
