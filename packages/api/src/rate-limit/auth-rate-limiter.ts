// The auth abuse policy: login attempts charged before the password is checked (burst lock,
// account, device and client caps), and per-client register/refresh budgets.
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { type Charge, createBudgets } from "./budget";
import { accountKey, clientKey, clientNetworks, deviceKey } from "./keys";
import { beginLoginAttempt, type LoginAttempt } from "./login-attempt";
import { IPV6_NETWORK_MULTIPLIERS, type RateLimitSettings, resolveSettings } from "./settings";
import { type LimiterStore, openStore } from "./store";

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

/** One per-client budget: the client's own counter, and its IPv6 /56's and /48's. */
interface ClientCounters {
  client: RateLimiterAbstract;
  slash56: RateLimiterAbstract;
  slash48: RateLimiterAbstract;
}

/** The charges a client's request makes against one per-client budget. */
function clientCharges(counters: ClientCounters, ip: string | null): Charge[] {
  const charges: Charge[] = [{ counter: counters.client, key: clientKey(ip) }];
  const networks = clientNetworks(ip);
  if (networks) {
    charges.push(
      { counter: counters.slash56, key: networks.slash56 },
      { counter: counters.slash48, key: networks.slash48 },
    );
  }
  return charges;
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
  const perClient = (name: string, points: number, duration: number): ClientCounters => ({
    client: counter(name, points, duration),
    slash56: counter(`${name}-56`, points * IPV6_NETWORK_MULTIPLIERS.slash56, duration),
    slash48: counter(`${name}-48`, points * IPV6_NETWORK_MULTIPLIERS.slash48, duration),
  });

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
  // A known device's own budget: the account's size and window, keyed by account and device.
  const device = counter(
    "login-device",
    settings.loginAccountFailures,
    settings.loginAccountWindowSeconds,
  );
  const loginClients = perClient(
    "login-client",
    settings.loginClientFailures,
    settings.loginClientWindowSeconds,
  );
  const registers = perClient(
    "register",
    settings.registerPerClient,
    settings.registerWindowSeconds,
  );
  const refreshes = perClient("refresh", settings.refreshPerClient, settings.refreshWindowSeconds);

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
    refresh: (clientIp) => budgets.spendAll(clientCharges(refreshes, clientIp)),
    close: () => store.close(),
  };
}
