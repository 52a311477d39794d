// The auth abuse policy: failed-login bursts and caps, and per-client register/refresh budgets.
import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { RateLimitedError } from "../errors";
import { accountKey, clientKey } from "./keys";
import { type RateLimitSettings, resolveSettings } from "./settings";
import { type LimiterStore, openStore } from "./store";

export interface AuthRateLimiter {
  /** Before checking a password: throws RateLimitedError if this account+client or client is blocked. Consumes nothing. */
  beforeLogin(email: string, clientIp: string | null): Promise<void>;
  /** After a wrong password (or unknown email): counts the failure everywhere it counts. Never throws RateLimitedError. */
  loginFailed(email: string, clientIp: string | null): Promise<void>;
  /** After a correct password: resets the consecutive-failure counter for this account+client. */
  loginSucceeded(email: string, clientIp: string | null): Promise<void>;
  /** Consumes one register for this client; throws RateLimitedError when over. */
  register(clientIp: string | null): Promise<void>;
  /** Consumes one refresh for this client; throws RateLimitedError when over. */
  refresh(clientIp: string | null): Promise<void>;
  close(): Promise<void>;
}

export interface AuthRateLimiterOptions {
  /** PostgreSQL or Redis in every deployment (all instances must see the same counts). */
  store: LimiterStore;
  settings?: Partial<RateLimitSettings>;
  /** Receives one line when the store starts failing and one when it recovers. */
  log?: (line: string) => void;
}

/** Whole seconds a client must wait, at least 1 (a `Retry-After: 0` invites an instant retry). */
const toSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Builds the limiter. While the store errors, each instance enforces the same thresholds from
 * its own memory (see ./outage): neither a lock-out nor an open door.
 *
 * @example
 * const limiter = createAuthRateLimiter({ store: { kind: "postgres", url: databaseUrl } });
 * await limiter.beforeLogin(email, ctx.clientIp); // throws RateLimitedError while blocked
 */
export function createAuthRateLimiter(options: AuthRateLimiterOptions): AuthRateLimiter {
  const settings = resolveSettings(options.settings);
  const store = openStore(options.store, options.log ?? ((line) => console.warn(line)));
  const counter = (name: string, points: number, duration: number) =>
    store.counter({ name, points, duration });

  const burst = counter(
    "login-burst",
    settings.loginBurstFailures,
    settings.loginBurstWindowSeconds,
  );
  const account = counter(
    "login-account",
    settings.loginAccountFailures,
    settings.loginAccountWindowSeconds,
  );
  const client = counter(
    "login-client",
    settings.loginClientFailures,
    settings.loginClientWindowSeconds,
  );
  const registers = counter("register", settings.registerPerClient, settings.registerWindowSeconds);
  const refreshes = counter("refresh", settings.refreshPerClient, settings.refreshWindowSeconds);

  const lockMs = settings.loginBurstLockSeconds * 1000;

  const read = (limiter: RateLimiterAbstract, key: string) => store.watch(() => limiter.get(key));

  /** Milliseconds until the key may try again: 0 unless its count has reached the limit. */
  const waitOf = (limiter: RateLimiterAbstract, res: RateLimiterRes | null) =>
    !res || res.consumedPoints < limiter.points ? 0 : Math.max(0, res.msBeforeNext);

  /**
   * Starts the burst lock when a pair's count has reached the threshold and the lock is not set
   * yet. A lock (`block`) rewrites the row to threshold + 1 ending with the lock, so: exactly at
   * the threshold means not locked yet; above it with the row running past the lock's length
   * means the store failed between the count and the lock, and the lock is set now (a hiccup
   * costs the normal lock, not a day). Failures still in flight after the lock do not extend it.
   */
  async function lockIfUnlocked(pair: string, res: RateLimiterRes): Promise<number> {
    const limit = settings.loginBurstFailures;
    const unlocked =
      res.consumedPoints === limit || (res.consumedPoints > limit && res.msBeforeNext > lockMs);
    if (!unlocked) return 0;
    await store.watch(() => burst.block(pair, settings.loginBurstLockSeconds));
    return lockMs;
  }

  /** Counts one event; being over the limit already is not an error here. */
  async function count(limiter: RateLimiterAbstract, key: string): Promise<RateLimiterRes> {
    try {
      return await store.watch(() => limiter.consume(key));
    } catch (error) {
      if (error instanceof RateLimiterRes) return error;
      throw error;
    }
  }

  /** Consumes one event and refuses it when over the budget. */
  async function spend(limiter: RateLimiterAbstract, key: string): Promise<void> {
    try {
      await store.watch(() => limiter.consume(key));
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw new RateLimitedError(toSeconds(error.msBeforeNext));
    }
  }

  return {
    async beforeLogin(email, clientIp) {
      const who = accountKey(email);
      const from = clientKey(clientIp);
      const pair = `${who}:${from}`;
      const [pairRes, accountRes, clientRes] = await Promise.all([
        read(burst, pair),
        read(account, who),
        read(client, from),
      ]);
      const pairWait = pairRes
        ? (await lockIfUnlocked(pair, pairRes)) || waitOf(burst, pairRes)
        : 0;
      const longest = Math.max(pairWait, waitOf(account, accountRes), waitOf(client, clientRes));
      if (longest > 0) throw new RateLimitedError(toSeconds(longest));
    },

    async loginFailed(email, clientIp) {
      const who = accountKey(email);
      const from = clientKey(clientIp);
      const pair = `${who}:${from}`;
      await Promise.all([
        count(burst, pair).then((res) => lockIfUnlocked(pair, res)),
        count(account, who),
        count(client, from),
      ]);
    },

    async loginSucceeded(email, clientIp) {
      await store.watch(() => burst.delete(`${accountKey(email)}:${clientKey(clientIp)}`));
    },

    register: (clientIp) => spend(registers, clientKey(clientIp)),
    refresh: (clientIp) => spend(refreshes, clientKey(clientIp)),
    close: () => store.close(),
  };
}
