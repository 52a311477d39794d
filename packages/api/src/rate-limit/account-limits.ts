// An account's sign-in limits in the limiter's store, for the operator to clear: a user locked
// out by failed attempts (someone else's, or their own forgotten password) may sign in again at
// once, on every instance (Auth0 calls this "unblock"). The per-client caps stay: they are the
// clients' limits, not the account's.
import { Redis } from "ioredis";
import pg from "pg";
import { accountKey } from "./keys";
import { type LimiterStore, RATE_LIMIT_TABLE, REDIS_KEY_PREFIX } from "./store";

/** The counters a sign-in is charged to that are keyed by its account. */
export const ACCOUNT_COUNTERS = {
  /** One account from one client: the burst lock. Keyed `<account>:<client>`. */
  pair: "login-burst",
  /** The account's shared budget. Keyed `<account>`. */
  account: "login-account",
  /** A known device's own budget. Keyed `<account>:<device>`. */
  device: "login-device",
} as const;

// rate-limiter-flexible stores a counter's key as `<keyPrefix>:<key>`, the prefix being the
// counter's name (in Redis after REDIS_KEY_PREFIX); the account part is hex, so none of this
// needs escaping in LIKE or a pattern.
function storedKeys(email: string): { exact: string; prefixes: string[] } {
  const who = accountKey(email);
  return {
    exact: `${ACCOUNT_COUNTERS.account}:${who}`,
    prefixes: [`${ACCOUNT_COUNTERS.pair}:${who}:`, `${ACCOUNT_COUNTERS.device}:${who}:`],
  };
}

/** Deletes the account's counts and locks from every client and device; how many it deleted. */
export async function clearAccountLimits(
  store: Exclude<LimiterStore, { kind: "memory" }>,
  email: string,
): Promise<number> {
  const keys = storedKeys(email);
  return store.kind === "postgres"
    ? clearInPostgres(store.url, keys)
    : clearInRedis(store.url, keys);
}

async function clearInPostgres(url: string, keys: ReturnType<typeof storedKeys>): Promise<number> {
  const client = new pg.Client({ connectionString: url, application_name: "kit-cli" });
  await client.connect();
  try {
    const result = await client.query(
      `DELETE FROM ${RATE_LIMIT_TABLE} WHERE key = $1 OR key LIKE $2 OR key LIKE $3`,
      [keys.exact, ...keys.prefixes.map((prefix) => `${prefix}%`)],
    );
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

async function clearInRedis(url: string, keys: ReturnType<typeof storedKeys>): Promise<number> {
  // A command, not a server: one try, then the error, rather than retrying in the background.
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 5000,
    retryStrategy: () => null,
  });
  await redis.connect();
  try {
    const found = [`${REDIS_KEY_PREFIX}${keys.exact}`];
    for (const prefix of keys.prefixes) {
      const match = `${REDIS_KEY_PREFIX}${prefix}*`;
      for await (const batch of redis.scanStream({ match, count: 500 })) {
        found.push(...(batch as string[]));
      }
    }
    return await redis.del(...found);
  } finally {
    redis.disconnect();
  }
}
