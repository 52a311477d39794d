// The auth abuse policy: login attempts charged before the password is checked (burst lock,
// account, device and client caps), per-client register/refresh budgets, and the app's own.
import { ACCOUNT_COUNTERS, forgetAccount } from "./account-limits";
import { createAppBudgets, type SpendAppBudget } from "./app-budgets";
import { createBudgets } from "./budget";
import { clientCharges, perClient } from "./client-budgets";
import { accountKey, clientKey, deviceKey } from "./keys";
import { beginLoginAttempt, type LoginAttempt } from "./login-attempt";
import { type RateLimitSettings, resolveSettings } from "./settings";
import { type LimiterStore, openStore } from "./store";
import { SyncedCounter, spendSynced } from "./synced-counter";

export type { LoginAttempt } from "./login-attempt";

export interface LoginRequest {
  email: string;
  clientIp: string | null;
  /**
   * An opaque id of a device the caller has ALREADY verified as one that signed in to this
   * account successfully before, or null. Its attempts are charged to a budget of its own (same
   * size and window) instead of the account's shared one, so failures from elsewhere that cap
   * the account do not lock it out; the pair and client budgets still apply.
   */
  device: string | null;
}

export interface AuthRateLimiter {
  /**
   * Charges a login (or any password check) to every budget it counts against BEFORE the
   * password is checked; throws RateLimitedError when one is spent (even for the right
   * password). Settle the attempt it returns with `failed()` or `succeeded()`.
   */
  beginLogin(request: LoginRequest): Promise<LoginAttempt>;
  /** Consumes one register for this client; throws RateLimitedError when over. */
  register(clientIp: string | null): Promise<void>;
  /**
   * Spends one refresh for this client; throws RateLimitedError when over. Decided in memory and
   * synced with the store every second (see SyncedCounter): no round trip per refresh.
   */
  refresh(clientIp: string | null): Promise<void>;
  /**
   * Spends one point of a budget an app put on its own procedure (`rateLimit`), in the same store
   * and with the same outage stand-in as the kit's budgets; throws RateLimitedError when over.
   */
  spendApp: SpendAppBudget;
  /**
   * Deletes `email`'s sign-in counts and locks (every client's burst, the account's budget, its
   * known devices') from the store, for every instance; how many it deleted. What an instance
   * counts in memory while the store is down stays. A store that fails is 503
   * LIMITER_UNAVAILABLE (nothing cleared).
   */
  clearAccount(email: string): Promise<number>;
  /** Sends the refreshes not yet synced, then closes the store. */
  close(): Promise<void>;
}

export interface AuthRateLimiterOptions {
  /** PostgreSQL or Redis in every deployment (all instances must see the same counts). */
  store: LimiterStore;
  settings?: Partial<RateLimitSettings>;
  /** How often the refresh budget's counts are synced with the store, in ms (default 1000). */
  refreshSyncMs?: number;
  /** Receives one line when the store starts failing and one when it recovers. */
  log?: (line: string) => void;
}

/**
 * Builds the limiter. While the store errors, each instance enforces the same thresholds from
 * its own memory (see ./outage): neither a lock-out nor an open door.
 *
 * @example
 * const limiter = createAuthRateLimiter({ store: { kind: "postgres", url: databaseUrl } });
 * const attempt = await limiter.beginLogin({ email, clientIp, device: null }); // may throw RateLimitedError
 * if (await verifyPassword(hash, password)) await attempt.succeeded();
 * else await attempt.failed();
 */
export function createAuthRateLimiter(options: AuthRateLimiterOptions): AuthRateLimiter {
  const settings = resolveSettings(options.settings);
  const store = openStore(options.store, options.log ?? ((line) => console.warn(line)));
  const budgets = createBudgets(store);
  const counter = (name: string, points: number, duration: number) =>
    store.counter({ name, points, duration });
  const burst = counter(
    ACCOUNT_COUNTERS.pair,
    settings.loginBurstFailures,
    settings.loginBurstWindowSeconds,
  );
  const account = counter(
    ACCOUNT_COUNTERS.account,
    settings.loginAccountFailures,
    settings.loginAccountWindowSeconds,
  );
  // A known device's own budget: the account's size and window, keyed by account and device.
  const device = counter(
    ACCOUNT_COUNTERS.device,
    settings.loginAccountFailures,
    settings.loginAccountWindowSeconds,
  );
  const loginClients = perClient(
    counter,
    "login-client",
    settings.loginClientFailures,
    settings.loginClientWindowSeconds,
  );
  const registers = perClient(
    counter,
    "register",
    settings.registerPerClient,
    settings.registerWindowSeconds,
  );
  const synced = (name: string, points: number, duration: number) => {
    const spec = { name, points, duration };
    return new SyncedCounter(
      spec,
      store.counter(spec),
      (counter, call) => store.run(counter, call),
      {
        syncMs: options.refreshSyncMs ?? 1000,
      },
    );
  };
  const refreshes = perClient(
    synced,
    "refresh",
    settings.refreshPerClient,
    settings.refreshWindowSeconds,
  );

  const burstPolicy = {
    failures: settings.loginBurstFailures,
    lockSeconds: settings.loginBurstLockSeconds,
  };

  return {
    beginLogin(request) {
      const who = accountKey(request.email);
      return beginLoginAttempt(
        budgets,
        {
          pair: { counter: burst, key: `${who}:${clientKey(request.clientIp)}` },
          account:
            request.device === null
              ? { counter: account, key: who }
              : { counter: device, key: `${who}:${deviceKey(request.device)}` },
          clients: clientCharges(loginClients, request.clientIp),
        },
        burstPolicy,
      );
    },
    register: (clientIp) => budgets.spendAll(clientCharges(registers, clientIp)),
    refresh: async (clientIp) => spendSynced(clientCharges(refreshes, clientIp)),
    spendApp: createAppBudgets(store, budgets),
    clearAccount: (email) => forgetAccount(store, email),
    async close() {
      await Promise.all(Object.values(refreshes).map((counter) => counter.close()));
      await store.close();
    },
  };
}
