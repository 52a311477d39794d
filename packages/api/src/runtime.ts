// Start-up: make the database ready (embedded server, migrations, demo user) and build the deps.
import { randomBytes } from "node:crypto";
import { createPasswordQueue, createTokenService, isAsymmetric } from "@kit/auth";
import { createPrismaClient, poolOf } from "@kit/db";
import { accessClaims } from "./access-claims";
import { AccessClaimsError, accessClaimsProblem } from "./claims/define-access-claims";
import { openDatabase } from "./database";
import { clockWarning, databaseClockOf, readDatabaseClock, rotationNow } from "./database-clock";
import type { AppDeps } from "./deps";
import { demoUserAllowed, isLoopbackHost, type ServerEnv } from "./env";
import { retiredKeyWarnings } from "./key-config";
import { createLogger, type Logger } from "./logger";
import { migrateOrCheck } from "./migrate-on-start";
import { startPruneTimer } from "./prune-timer";
import { createAuthRateLimiter, type RateLimitSettings } from "./rate-limit";
import { checkPreviousSecrets, resolveAuthSecret, secretRequired } from "./secret";
import { DEMO_ADMIN, DEMO_EMAILS, DEMO_USER, endDemoSessions, seedDemoUsers } from "./seed";
import { type SessionCache, startSessionCache, waitUntilTrusted } from "./session-cache";
import { tokenKeys } from "./token-keys";
import { lifetimeProblems } from "./token-lifetimes";

export interface Runtime {
  /**
   * `kit-runtime-<random>`: the `application_name` prefix of this runtime's database pools and
   * the name in its "ready" log line. A process should hold exactly one (see the README's
   * architecture notes); a second id in `pg_stat_activity` means a second runtime.
   */
  id: string;
  deps: AppDeps;
  databaseUrl: string;
  /** True when this process runs on the embedded PostgreSQL (started here or reused). */
  embedded: boolean;
  /** The demo account's credentials where it can sign in here (see DEMO_USER); else null. */
  demoUser: { email: string; password: string } | null;
  /** The demo admin's, under the same condition. */
  demoAdmin: { email: string; password: string } | null;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: (line: string) => void;
  /** The structured log (`deps.logger`); default createLogger(), JSON lines on stdout. */
  logger?: Logger;
  /** When pruning runs (see prune-timer.ts); tests shorten it. */
  prune?: { firstAfterMs?: number; everyMs?: number };
  /** Overrides of the default thresholds (see rate-limit/settings.ts). */
  rateLimits?: Partial<RateLimitSettings>;
  /** Skip the demo user even on the embedded database. */
  seed?: boolean;
}

export async function startRuntime(env: ServerEnv, options: StartOptions = {}): Promise<Runtime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const claimsProblem = accessClaimsProblem(accessClaims);
  if (claimsProblem !== undefined) throw new AccessClaimsError(claimsProblem);
  // Configuration first: a weak secret stops start-up before any database work. An asymmetric
  // deployment has no secret (loadEnv refused one), so none is generated either.
  const secret = isAsymmetric(env.algorithm)
    ? undefined
    : await resolveAuthSecret({
        secret: env.authSecret ?? env.signingKey,
        name: env.authSecret === undefined ? "AUTH_SIGNING_KEY" : "AUTH_SECRET",
        required: secretRequired({
          production: env.nodeEnv === "production",
          databaseUrl: env.databaseUrl,
        }),
        dataDir: env.dataDir,
        production: env.nodeEnv === "production",
        warn: (line) => log(`[auth] warning: ${line}`),
      });
  const previousSecrets = checkPreviousSecrets(env.previousSecrets, {
    production: env.nodeEnv === "production",
    warn: (line) => log(`[auth] warning: ${line}`),
    now: Date.now(),
    // An access token is never capped; a refresh token lives at most to the session's cap.
    longestTokenSeconds: Math.max(env.accessTtl, Math.min(env.refreshTtl, env.sessionMaxAge)),
  });
  // `pnpm auth check` reports these too (lifetimes out of order as problems); a server runs.
  for (const line of [
    ...retiredKeyWarnings(env.verificationKeys, Date.now()),
    ...lifetimeProblems(env),
  ]) {
    log(`[auth] warning: ${line}`);
  }
  const tokens = createTokenService({
    ...tokenKeys({
      algorithm: env.algorithm,
      secret,
      previousSecrets,
      signingKey: env.signingKey,
      signingKeyId: env.signingKeyId,
      verificationKeys: env.verificationKeys,
    }),
    issuer: env.issuer,
    audience: env.audience,
    clockLeeway: env.clockLeeway,
    accessTtl: env.accessTtl,
    refreshTtl: env.refreshTtl,
    // Sized with the session cache: both let a Bearer call be answered from memory.
    verifiedAccessCacheSize: env.sessionCacheSize,
  });
  const id = `kit-runtime-${randomBytes(6).toString("hex")}`;
  const dbLog = (line: string) => log(`[db] ${line}`);
  const database = await openDatabase(env, dbLog);
  const prisma = createPrismaClient(database.url, {
    applicationName: `${id}:prisma`,
    timeoutMs: env.databaseTimeout * 1000,
    reportCancels: { log: dbLog },
  });
  let sessionCache: SessionCache | null = null;
  try {
    await migrateOrCheck(env, database.url, dbLog);
    // The demo account exists only where nobody configured a database (never in a deployment),
    // and only while this server cannot be reached from other machines (DEMO_USER).
    const demo = demoUserAllowed(env);
    if (!env.databaseUrl && options.seed !== false && demo) {
      for (const email of await seedDemoUsers(prisma)) dbLog(`demo account created: ${email}`);
    }
    if (!demo) {
      // Refused at sign-in, and signed out too (the sessions trigger tells every server).
      const ended = await endDemoSessions(prisma, Date.now());
      const why =
        env.demoUser === "off"
          ? "DEMO_USER=off"
          : isLoopbackHost(env.host)
            ? `this server is behind a proxy (AUTH_TRUST_PROXY=${env.trustProxy}; DEMO_USER=on allows it)`
            : `this server listens on ${env.host}, beyond loopback (DEMO_USER=on allows it)`;
      dbLog(`demo user refused: ${why}${ended > 0 ? `; ${ended} of its sessions ended` : ""}`);
    }
    const limiter = createAuthRateLimiter({
      store: env.redisUrl
        ? { kind: "redis", url: env.redisUrl }
        : { kind: "postgres", url: database.url, applicationName: `${id}:rate-limit` },
      settings: { ...env.rateLimits, ...options.rateLimits },
      log,
    });
    const logger = options.logger ?? createLogger(undefined, env.logLevel);
    // Bearer calls answered from memory while the database's change notifications are heard.
    sessionCache = startSessionCache({
      databaseUrl: database.url,
      applicationName: `${id}:session-listener`,
      maxEntries: env.sessionCacheSize,
      logger,
    });
    // Not required to serve (calls read the database meanwhile); usually a few milliseconds.
    if (sessionCache && !(await waitUntilTrusted(sessionCache, 5000))) {
      log(
        "[auth] warning: the session cache's listener is not connected yet; calls read the database",
      );
    }
    const deps: AppDeps = {
      prisma,
      pool: poolOf(prisma),
      tokens,
      limiter,
      passwordQueue: createPasswordQueue({
        concurrency: env.hashConcurrency,
        maxWaiting: env.hashQueue,
      }),
      trustProxy: env.trustProxy,
      sessions: {
        refreshReuseGraceMs: env.refreshReuseGrace * 1000,
        sessionMaxAgeMs: env.sessionMaxAge * 1000,
      },
      now: Date.now,
      exposeErrors: env.nodeEnv === "development",
      logger,
      sessionCache: sessionCache ?? undefined,
      refusedLogins: demo ? undefined : new Set(DEMO_EMAILS),
      // DEMO_USER=on allows them beyond loopback on purpose; otherwise they are loopback's only.
      loopbackOnlyLogins: demo && env.demoUser !== "on" ? new Set(DEMO_EMAILS) : undefined,
    };
    // Rotation's instants and pruning on the clock the servers share (see rotationNow).
    await readDatabaseClock(prisma);
    const skewed = clockWarning(databaseClockOf(poolOf(prisma)).offset);
    if (skewed) log(skewed);
    // Old audit events, over sessions and expired rate-limit rows, deleted hourly.
    const pruning = startPruneTimer({
      prisma,
      logger: deps.logger,
      now: () => rotationNow(deps),
      eventRetentionMs: env.auditRetention * 1000,
      ...options.prune,
    });
    log(`[runtime] ready: ${id}`);
    const demoShown = demo && !env.databaseUrl && options.seed !== false;
    return {
      id,
      deps,
      databaseUrl: database.url,
      embedded: !env.databaseUrl,
      demoUser: demoShown ? { email: DEMO_USER.email, password: DEMO_USER.password } : null,
      demoAdmin: demoShown ? { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password } : null,
      async close() {
        await pruning.stop();
        await sessionCache?.close();
        await limiter.close();
        await prisma.$disconnect();
        await database.stop();
      },
    };
  } catch (error) {
    await sessionCache?.close();
    await prisma.$disconnect();
    await database.stop();
    throw error;
  }
}
