// Where limiter counts live: PostgreSQL (default) or Redis, which every instance sees, each
// limiter insured by an in-memory stand-in; plain memory only for unit tests.
import { cancelAbandonedStatements } from "@kit/db";
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

/** Keys of one counter, as the limiter is given them: these, and those starting with a prefix. */
export interface KeyMatch {
  counter: string;
  keys: string[];
  prefixes: string[];
}

export interface OpenStore {
  counter(spec: CounterSpec): RateLimiterAbstract;
  /**
   * Deletes the counts (and locks) the matches name, for every instance that reads this store;
   * how many it deleted. Keys' prefixes must hold no LIKE or glob wildcard (`%_*?[`).
   */
  forget(matches: KeyMatch[]): Promise<number>;
  /**
   * Runs one call on a counter this store made: on the store (watched, so the outage tracker
   * sees it answer again), or on the counter's in-memory stand-in while the store is known to be
   * failing (OutageTracker.skipStore). `call` must call the limiter's method synchronously.
   */
  run<T>(
    counter: RateLimiterAbstract,
    call: (limiter: RateLimiterAbstract) => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
}

/** Before a counter's name in its Redis keys, so the limiter's keys stand apart in a shared Redis. */
export const REDIS_KEY_PREFIX = "rate-limit:";

/** The table the migration creates, in rate-limiter-flexible's layout (key, points, expire). */
export const RATE_LIMIT_TABLE = "rate_limits";
// A store slower than this is treated as down: a login must not hang on the limiter.
const STORE_TIMEOUT_MS = 2000;

export function openStore(store: LimiterStore, log: (line: string) => void): OpenStore {
  if (store.kind === "memory") return openMemory();
  const tracker = new OutageTracker(store.kind, log);
  const standIns = new WeakMap<RateLimiterAbstract, StandInLimiter>();
  const withStandIn: WithStandIn = (spec, make) => {
    const standIn = new StandInLimiter(
      { keyPrefix: spec.name, points: spec.points, duration: spec.duration },
      tracker,
    );
    const counter = make(standIn);
    standIns.set(counter, standIn);
    return counter;
  };
  const run: OpenStore["run"] = (counter, call) => {
    const standIn = standIns.get(counter);
    if (standIn && tracker.skipStore()) return standIn.instead(call);
    return tracker.watch(() => call(counter));
  };
  return store.kind === "postgres"
    ? openPostgres(store.url, store.applicationName ?? "kit-rate-limit", withStandIn, run, log)
    : openRedis(store.url, withStandIn, run, () => tracker.failing());
}

/** Makes a store counter insured by a stand-in of its own, which `run` may use in its place. */
type WithStandIn = (
  spec: CounterSpec,
  make: (standIn: StandInLimiter) => RateLimiterAbstract,
) => RateLimiterAbstract;

function openPostgres(
  url: string,
  applicationName: string,
  withStandIn: WithStandIn,
  run: OpenStore["run"],
  log: (line: string) => void,
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
  // A counter's upsert is a commit too: in a replication stall each one given up on would keep a
  // backend waiting, at the rate logins arrive.
  cancelAbandonedStatements(pool, STORE_TIMEOUT_MS, { log: (line) => log(`[rate-limit] ${line}`) });
  return {
    counter: (spec) =>
      withStandIn(
        spec,
        (standIn) =>
          new RateLimiterPostgres({
            storeClient: pool,
            storeType: "pool",
            tableName: RATE_LIMIT_TABLE,
            // The migration owns the table: never CREATE it from here. No per-limiter sweeper
            // either (it cannot be stopped on close): pruneExpired deletes expired rows with the
            // rest.
            tableCreated: true,
            clearExpiredByTimeout: false,
            keyPrefix: spec.name,
            points: spec.points,
            duration: spec.duration,
            insuranceLimiter: standIn,
          }),
      ),
    async forget(matches) {
      let deleted = 0;
      for (const { counter, keys, prefixes } of matches) {
        // rate-limiter-flexible's stored key: `<keyPrefix>:<key>`, the prefix being the name.
        const result = await pool.query(
          `DELETE FROM ${RATE_LIMIT_TABLE} WHERE key = ANY($1) OR key LIKE ANY($2)`,
          [keys.map((key) => `${counter}:${key}`), prefixes.map((p) => `${counter}:${p}%`)],
        );
        deleted += result.rowCount ?? 0;
      }
      return deleted;
    },
    run,
    async close() {
      await pool.end();
    },
  };
}

/**
 * Resolves once the Redis at `url` answers a PING within the store's timeout; rejects with why
 * not. For `pnpm auth check`: a server starts without it, and counts in memory until it answers.
 */
export async function pingRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: STORE_TIMEOUT_MS,
    connectTimeout: STORE_TIMEOUT_MS,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}

function openRedis(
  url: string,
  withStandIn: WithStandIn,
  run: OpenStore["run"],
  unanswered: () => void,
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
  // report a start-up "outage"; afterwards a disconnected client fails over immediately. A Redis
  // that has not answered by then is named at once, not at the first call that needs it.
  const firstReady = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      unanswered();
      resolve();
    }, STORE_TIMEOUT_MS);
    timer.unref();
    redis.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    counter: (spec) =>
      withStandIn(
        spec,
        (standIn) =>
          new RateLimiterRedis({
            storeClient: redis,
            rejectIfRedisNotReady: true,
            keyPrefix: `${REDIS_KEY_PREFIX}${spec.name}`,
            points: spec.points,
            duration: spec.duration,
            insuranceLimiter: standIn,
          }),
      ),
    async forget(matches) {
      await firstReady;
      const found: string[] = [];
      for (const { counter, keys, prefixes } of matches) {
        const stored = `${REDIS_KEY_PREFIX}${counter}:`;
        found.push(...keys.map((key) => `${stored}${key}`));
        for (const prefix of prefixes) {
          const stream = redis.scanStream({ match: `${stored}${prefix}*`, count: 500 });
          for await (const batch of stream) found.push(...(batch as string[]));
        }
      }
      return found.length === 0 ? 0 : redis.del(...found);
    },
    run: async (counter, call) => {
      await firstReady;
      return run(counter, call);
    },
    async close() {
      redis.disconnect();
    },
  };
}

// Unit tests' store. rate-limiter-flexible's memory limiter cannot list its keys, so each counter
// remembers the keys it was given, for forget().
function openMemory(): OpenStore {
  const counters = new Map<string, RememberingMemoryLimiter[]>();
  return {
    counter({ name, points, duration }) {
      const limiter = new RememberingMemoryLimiter({ keyPrefix: name, points, duration });
      counters.set(name, [...(counters.get(name) ?? []), limiter]);
      return limiter;
    },
    async forget(matches) {
      let deleted = 0;
      for (const { counter, keys, prefixes } of matches) {
        for (const limiter of counters.get(counter) ?? []) {
          for (const key of [...limiter.keys]) {
            if (!keys.includes(key) && !prefixes.some((prefix) => key.startsWith(prefix))) {
              continue;
            }
            limiter.keys.delete(key);
            if (await limiter.delete(key)) deleted += 1;
          }
        }
      }
      return deleted;
    },
    run: (counter, call) => call(counter),
    close: async () => {},
  };
}

class RememberingMemoryLimiter extends RateLimiterMemory {
  readonly keys = new Set<string>();

  override consume(key: string | number, ...rest: [number?, object?]) {
    this.keys.add(String(key));
    return super.consume(key, ...rest);
  }

  override set(key: string | number, ...rest: [number, number, object?]) {
    this.keys.add(String(key));
    return super.set(key, ...rest);
  }

  override block(key: string | number, ...rest: [number, object?]) {
    this.keys.add(String(key));
    return super.block(key, ...rest);
  }

  override penalty(key: string | number, ...rest: [number?, object?]) {
    this.keys.add(String(key));
    return super.penalty(key, ...rest);
  }
}
