// The abuse-limit thresholds: one documented default each, and the check that a setting is sane.

/**
 * Every threshold the auth rate limiter applies. Counts are whole numbers of events, windows and
 * locks are whole seconds. A window is fixed: it starts at the first counted event and every
 * count in it expires together at its end.
 */
export interface RateLimitSettings {
  /** Failed logins in a row (no success between) for one account from one client that lock that pair. */
  loginBurstFailures: number;
  /** Seconds the account+client pair stays locked once `loginBurstFailures` is reached. */
  loginBurstLockSeconds: number;
  /** Seconds a failure keeps counting towards a burst when no success resets the count. */
  loginBurstWindowSeconds: number;
  /** Failed logins for one account, from every client together, per account window. */
  loginAccountFailures: number;
  /** Seconds of the per-account failure window. */
  loginAccountWindowSeconds: number;
  /** Failed logins from one client, for every account together, per client window. */
  loginClientFailures: number;
  /** Seconds of the per-client failure window. */
  loginClientWindowSeconds: number;
  /** `auth.register` calls from one client per register window (every call counts, even a refused one). */
  registerPerClient: number;
  /** Seconds of the per-client register window. */
  registerWindowSeconds: number;
  /** `auth.refresh` calls from one client per refresh window. */
  refreshPerClient: number;
  /** Seconds of the per-client refresh window. */
  refreshWindowSeconds: number;
}

/**
 * Defaults that meet OWASP ASVS (v4.0.3 2.2.1, v5 6.3.1: at most 100 failed attempts per hour on
 * one account) and NIST SP 800-63B 5.2.2, while an office of a few hundred people behind one
 * NAT address works normally. "Client" means one IPv4 address, or one IPv6 /64 (whose wider
 * networks are counted too: see IPV6_NETWORK_MULTIPLIERS).
 */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = Object.freeze({
  // Ten wrong passwords in a row is past any typo streak. A 15-minute lock caps one client (one
  // address, one IPv6 /64) at about 40 guesses an hour on one account, below the account-wide
  // 100; an attacker with a few addresses (the /64s of one /56) can still spend that, which is
  // why a known device keeps a budget of its own.
  loginBurstFailures: 10,
  loginBurstLockSeconds: 15 * 60,
  // Long enough that spacing guesses out does not dodge the burst lock; a success resets it.
  loginBurstWindowSeconds: 24 * 3600,
  // The ASVS bound itself: 100 failures per account per hour, whoever makes them.
  loginAccountFailures: 100,
  loginAccountWindowSeconds: 3600,
  // 300 people behind one address each mistyping three times in the same hour is 900:
  // generous for an office, still a hard brake on credential stuffing from one address.
  loginClientFailures: 1000,
  loginClientWindowSeconds: 3600,
  // An office onboarding everyone within the hour; a sign-up bot from one address gets 300/h.
  registerPerClient: 300,
  registerWindowSeconds: 3600,
  // 300 people x ~5 tabs refreshing every 30 minutes is ~500 per 10 minutes; 3000 also absorbs
  // the 9 a.m. burst of all 1500 tabs at once. Refresh needs a valid token: this guards load.
  refreshPerClient: 3000,
  refreshWindowSeconds: 10 * 60,
});

/**
 * Every per-client budget (failed logins, `auth.register`, `auth.refresh`) is also counted for
 * an IPv6 client's /56 and /48, over the same window, at these multiples of the per-client
 * threshold. Why: a subscriber is commonly handed a /56 (256 /64s) and a site a /48 (65,536),
 * per RIPE-690, so counted only per /64 one allocation could rotate addresses for 256 or 65,536
 * times one client's allowance. A /56 is one home or small office: a few /64s in use at once
 * (LAN, guest, IoT), so 4x. A /48 is one organisation's site, many subnets: 16x. Rotating then
 * buys at most 4x (inside a /56) or 16x (across a /48) of one client's allowance. Derived from
 * the per-client settings, so raising those raises these with them.
 */
export const IPV6_NETWORK_MULTIPLIERS = Object.freeze({ slash56: 4, slash48: 16 });

/** Fills gaps from the defaults; a non-positive or fractional value is a programmer mistake. */
export function resolveSettings(partial: Partial<RateLimitSettings> = {}): RateLimitSettings {
  const settings: RateLimitSettings = { ...DEFAULT_RATE_LIMITS };
  for (const [name, value] of Object.entries(partial) as [keyof RateLimitSettings, unknown][]) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_RATE_LIMITS)) throw new TypeError(`Unknown rate limit setting: ${name}`);
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
      throw new TypeError(`Rate limit setting ${name} must be a positive integer`);
    }
    settings[name] = value;
  }
  // The lock is told apart from a plain count by ending before the burst window does.
  if (settings.loginBurstLockSeconds >= settings.loginBurstWindowSeconds) {
    throw new TypeError("loginBurstLockSeconds must be shorter than loginBurstWindowSeconds");
  }
  return settings;
}
