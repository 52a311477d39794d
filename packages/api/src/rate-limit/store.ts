// Where limiter counts live: PostgreSQL (default) or Redis, which every instance sees, each
// limiter insured by an in-memory stand-in; plain memory only for unit tests.
import { Redis } from "ioredis";
import pg from "pg";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
} from "rate-limiter-flexible";
import { OutageTracker, StandInLimiter } from "./outage";

export type LimiterStore =
  | {
      kind: "postgres";
      url: string /** `application_name` of its pool. */;
      applicationName?: string;
    }
  | { kind: "redis"; url: string }
  | { kind: "memory" };

/** One named counter: `points` events per `duration` seconds, keys prefixed with `name`. */
export interface CounterSpec {
  name: string;
  points: number;
  duration: number;
}

export interface OpenStore {
  counter(spec: CounterSpec): RateLimiterAbstract;
  /** Runs a limiter call so the outage tracker can see the store answer again. */
  watch<T>(call: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Before a counter's name in its Redis keys, so the limiter's keys stand apart in a shared Redis. */
export const REDIS_KEY_PREFIX = "rate-limit:";

/** The table the migration creates, in rate-limiter-flexible's layout (key, points, expire). */
export const RATE_LIMIT_TABLE = "rate_limits";
// A store slower than this is treated as down: a login must not hang on the limiter.
const STORE_TIMEOUT_MS = 2000;

export function openStore(store: LimiterStore, log: (line: string) => void): OpenStore {
  if (store.kind === "memory") {
    return {
      counter: ({ name, points, duration }) =>
        new RateLimiterMemory({ keyPrefix: name, points, duration }),
      watch: (call) => call(),
      close: async () => {},
    };
  }
  const tracker = new OutageTracker(store.kind, log);
  const standIn = (spec: CounterSpec) =>
    new StandInLimiter(
      { keyPrefix: spec.name, points: spec.points, duration: spec.duration },
      tracker,
    );
  const watch = <T>(call: () => Promise<T>) => tracker.watch(call);
  return store.kind === "postgres"
    ? openPostgres(store.url, store.applicationName ?? "kit-rate-limit", standIn, watch)
    : openRedis(store.url, standIn, watch);
}

function openPostgres(
  url: string,
  applicationName: string,
  standIn: (spec: CounterSpec) => StandInLimiter,
  watch: OpenStore["watch"],
): OpenStore {
  // Its own small pool: the limiter must keep answering when Prisma's pool is saturated.
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: STORE_TIMEOUT_MS,
    query_timeout: STORE_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    application_name: applicationName,
  });
  // An idle connection dropped by the server is reported here; unhandled it would crash the process.
  pool.on("error", () => {});
  return {
    counter: (spec) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: "pool",
        tableName: RATE_LIMIT_TABLE,
        // The migration owns the table: never CREATE it from here. No per-limiter sweeper either
        // (it cannot be stopped on close): pruneExpired deletes expired rows with the rest.
        tableCreated: true,
        clearExpiredByTimeout: false,
        keyPrefix: spec.name,
        points: spec.points,
        duration: spec.duration,
        insuranceLimiter: standIn(spec),
      }),
    watch,
    async close() {
      await pool.end();
    },
  };
}

function openRedis(
  url: string,
  standIn: (spec: CounterSpec) => StandInLimiter,
  watch: OpenStore["watch"],
): OpenStore {
  const redis = new Redis(url, {
    // Never queue a command while disconnected: the stand-in answers at once instead.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: STORE_TIMEOUT_MS,
    connectTimeout: STORE_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Connection errors surface as failed commands (and the outage line); unhandled they are noise.
  redis.on("error", () => {});
  // Until the first connection is up, calls wait for it (briefly), so a fresh instance does not
  // report a start-up "outage"; afterwards a disconnected client fails over immediately.
  const firstReady = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, STORE_TIMEOUT_MS);
    timer.unref();
    redis.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    counter: (spec) =>
      new RateLimiterRedis({
        storeClient: redis,
        rejectIfRedisNotReady: true,
        keyPrefix: `${REDIS_KEY_PREFIX}${spec.name}`,
        points: spec.points,
        duration: spec.duration,
        insuranceLimiter: standIn(spec),
      }),
    watch: async (call) => {
      await firstReady;
      return watch(call);
    },
    async close() {
      redis.disconnect();
    },
  };
}
