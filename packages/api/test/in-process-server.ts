// The standalone server in this process, on the run's database, with a clock tests can move.
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createPasswordQueue, createTokenService } from "@kit/auth";
import { createPrismaClient, type PrismaClient, poolOf, type SqlPool } from "@kit/db";
import { provisionTestDatabase } from "@kit/db/testing";
import type { AnyTRPCRouter } from "@trpc/server";
import { inject } from "vitest";
import type { AppDeps } from "../src/deps";
import { createStandaloneServer } from "../src/http/standalone";
import { createLogger, type Logger } from "../src/logger";
import { type AuthRateLimiter, createAuthRateLimiter } from "../src/rate-limit";
import { startSessionCache, waitUntilTrusted } from "../src/session-cache";
import { tokenKeys } from "../src/token-keys";
import {
  httpMethods,
  previousSecretsOf,
  type ServerOptions,
  TEST_SECRET,
  type TestServer,
} from "./test-server";
import "./provided-context";

/** What only an in-process server can be given. */
export interface InProcessOptions extends ServerOptions {
  exposeErrors?: boolean;
  /** Default: the thresholds in memory. A limiter passed in is the caller's to close. */
  limiter?: AuthRateLimiter;
  /** Default: the pool under `prisma` (poolOf); a test with a stand-in Prisma passes its own. */
  pool?: SqlPool;
  /**
   * The API's Prisma client, the caller's to close (default: one on the run's database). The
   * server's `db` stays a client of its own, for the test to look with.
   */
  prisma?: PrismaClient;
  now?: () => number;
  /** The clock moves only by `elapse()`: for tests that place an instant to the millisecond. */
  frozenClock?: boolean;
  /** Default: a logger writing into memory (see `output()`). */
  logger?: Logger;
  /** The router to serve, as the app composes it; default: the kit's routers alone. */
  router?: AnyTRPCRouter;
  /** The session cache listener's heartbeat and timeout (ms); default as in production. */
  sessionListener?: { heartbeatMs?: number; timeoutMs?: number };
}

/** Deps as production builds them, on a given Prisma client, with test-friendly overrides. */
export function buildTestDeps(prisma: PrismaClient, options: InProcessOptions = {}): AppDeps {
  const now = options.now ?? Date.now;
  const limiter =
    options.limiter ??
    createAuthRateLimiter({
      store: options.redisUrl ? { kind: "redis", url: options.redisUrl } : { kind: "memory" },
      settings: options.rateLimits,
      log: () => {},
    });
  return {
    prisma,
    pool: options.pool ?? poolOf(prisma),
    now,
    exposeErrors: options.exposeErrors ?? false,
    logger: options.logger ?? createLogger({ write: () => {} }),
    limiter,
    passwordQueue: createPasswordQueue({
      concurrency: options.hashConcurrency,
      maxWaiting: options.hashQueue,
    }),
    trustProxy: options.trustProxy ?? 0,
    sessions: {
      refreshReuseGraceMs: (options.refreshReuseGrace ?? 10) * 1000,
      sessionMaxAgeMs: (options.sessionMaxAge ?? 30 * 24 * 3600) * 1000,
    },
    // Keys as startRuntime builds them from the environment.
    tokens: createTokenService({
      ...tokenKeys({
        algorithm: options.algorithm ?? "HS256",
        secret: options.secret ?? TEST_SECRET,
        previousSecrets: previousSecretsOf(options),
        signingKey: options.signingKey,
        signingKeyId: options.signingKeyId,
        verificationKeys: (options.verificationKeys ?? []).map(({ kid, key, retiresAt }) => ({
          kid,
          key,
          retiresAt: retiresAt?.getTime(),
        })),
      }),
      issuer: options.issuer,
      audience: options.audience,
      clockLeeway: options.clockLeeway,
      accessTtl: options.accessTtl ?? 30 * 60,
      refreshTtl: options.refreshTtl ?? 7 * 24 * 3600,
      now,
      // As startRuntime sizes it by default (AUTH_SESSION_CACHE_SIZE).
      verifiedAccessCacheSize: 10_000,
    }),
  };
}

export interface InProcessServer extends TestServer {
  deps: AppDeps;
}

export async function startInProcessServer(
  options: InProcessOptions = {},
): Promise<InProcessServer> {
  let offset = 0;
  const start = Date.now();
  const now = options.frozenClock ? () => start + offset : () => Date.now() + offset;
  const database = options.ownDatabase
    ? await provisionTestDatabase({ serverUrl: inject("databaseUrl") })
    : { url: options.databaseOf?.databaseUrl ?? inject("databaseUrl"), dispose: async () => {} };
  const prisma = createPrismaClient(database.url);
  let output = "";
  const logger =
    options.logger ??
    createLogger(
      {
        write: (line: string) => {
          output += line;
        },
      },
      options.logLevel,
    );
  const runtimeId = `kit-test-${randomBytes(6).toString("hex")}`;
  // As startRuntime builds it, on this server's database and with its own listener.
  const sessionCache = startSessionCache({
    databaseUrl: database.url,
    applicationName: `${runtimeId}:session-listener`,
    maxEntries: options.sessionCacheSize ?? 10_000,
    logger,
    ...options.sessionListener,
  });
  // So that the suite runs with the cache in use, as a server does once it is up.
  if (sessionCache && !(await waitUntilTrusted(sessionCache, 10_000))) {
    await sessionCache.close();
    await prisma.$disconnect();
    await database.dispose();
    throw new Error("the session cache's listener did not connect");
  }
  const deps = {
    ...buildTestDeps(options.prisma ?? prisma, { ...options, now, logger }),
    sessionCache: sessionCache ?? undefined,
  };
  const server = createStandaloneServer(deps, { router: options.router });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    target: "standalone",
    runtimeId,
    base,
    deps,
    db: prisma,
    databaseUrl: database.url,
    now,
    async elapse(seconds) {
      offset += seconds * 1000;
    },
    ...httpMethods(base),
    output: () => output,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sessionCache?.close();
      await prisma.$disconnect();
      if (!options.limiter) await deps.limiter.close();
      await database.dispose();
    },
  };
}
