// How a new token pair is obtained (body or cookie mode), through a typed tRPC client of its
// own (refresh-call.ts), so that it works before the app's client exists and never through it.
import { COOKIE_MODE_HEADER, MAX_REFRESH_CANDIDATES } from "@kit/api/wire";
import type { DeviceMarkerStore } from "./device-marker-store";
import { callAuth, DEFAULT_REFRESH_RETRY_TIMEOUT_MS, type FetchLike } from "./refresh-call";
import { isRefreshError, RefreshError } from "./refresh-error";
import type { TokenSnapshot } from "./token-store";

export type { FetchLike } from "./refresh-call";

export interface RefreshStrategy {
  /** `cookie`: the refresh token is an HttpOnly cookie the page cannot see. */
  readonly mode: "body" | "cookie";
  /**
   * Exchanges the current tokens for new ones; throws RefreshError. `attempt.retry`: the same
   * refresh sent again because the first got no answer (it waits `retryTimeoutMs`).
   */
  refresh(current: TokenSnapshot, attempt?: RefreshAttempt): Promise<TokenSnapshot>;
  /** Ends the session on the server (`auth.logout`); throws RefreshError. */
  revoke(current: TokenSnapshot): Promise<void>;
}

/** Which try of one refresh this is. */
export interface RefreshAttempt {
  retry?: boolean;
}

export interface RefreshStrategyOptions {
  /** The tRPC endpoint, as given to httpLink: `"/api/trpc"` or an absolute URL. */
  url: string | URL;
  /** Default `globalThis.fetch`, looked up at call time. */
  fetch?: FetchLike;
  /**
   * A refresh that hangs would hold every call; after this it fails as NETWORK_ERROR, and is
   * tried once more at once. Default 4 s: keep it under half the server's grace window
   * (AUTH_REFRESH_REUSE_GRACE, 10 s), or a lost answer ends the session as reuse.
   */
  timeoutMs?: number;
  /**
   * How long that second try waits for its answer. Sent at once, it reaches the server inside
   * the grace window however long it waits, so it may wait longer: a slow network's answer still
   * lands. Default 15 s.
   */
  retryTimeoutMs?: number;
  /**
   * Body mode: the device marker to send with each refresh. Only the device that rotated a
   * refresh token may replay it inside the server's grace window; without a marker the server
   * goes by address and user agent instead.
   */
  device?: DeviceMarkerStore;
}

/** The call options of one try: the retry waits `retryTimeoutMs`. */
function callOptions<T extends RefreshStrategyOptions>(options: T, attempt?: RefreshAttempt): T {
  if (!attempt?.retry) return options;
  return { ...options, timeoutMs: options.retryTimeoutMs ?? DEFAULT_REFRESH_RETRY_TIMEOUT_MS };
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/**
 * Body mode: the refresh token is sent in the body, `{"refresh":"…"}`, and a rotated pair
 * comes back. Pair it with `createLocalStorageStore` or `createMemoryStore`.
 *
 * @example
 * const refresh = bodyRefresh({ url: "/api/trpc" });
 */
export function bodyRefresh(options: RefreshStrategyOptions): RefreshStrategy {
  // The tokens earlier tries with this refresh token were answered 503 with: each may be what
  // the server's rotation put in, unbeknown to it. Sent with every later try, they let any
  // server answer with that rotation instead of calling the retry reuse (which signs out).
  let candidates: { for: string; tokens: string[] } | null = null;
  return {
    mode: "body",
    async refresh(current, attempt) {
      // Nothing to send is as final as the server saying so, without the round trip.
      const refresh = current.refresh;
      if (!refresh) throw new RefreshError("MISSING_TOKEN", "No refresh token.");
      const device = options.device?.get();
      const pending = candidates?.for === refresh ? candidates.tokens : [];
      const input = {
        refresh,
        ...(device ? { device } : {}),
        ...(pending.length > 0 ? { candidates: pending } : {}),
      };
      const data = await callAuth(callOptions(options, attempt), "auth.refresh", (auth, signal) =>
        auth.refresh.mutate(input, { signal }),
      ).catch((error: unknown) => {
        const candidate = takeCandidate(error);
        if (candidate) {
          const tokens = [...pending, candidate].slice(-MAX_REFRESH_CANDIDATES);
          candidates = { for: refresh, tokens };
        } else if (isRefreshError(error) && error.signOut) candidates = null;
        throw error;
      });
      candidates = null;
      if (!nonEmpty(data.access) || !nonEmpty(data.refresh)) {
        throw new RefreshError("BAD_RESPONSE", "auth.refresh returned no token pair.", 200, data);
      }
      return { access: data.access, refresh: data.refresh };
    },
    async revoke(current) {
      if (!current.refresh) return;
      const input = { refresh: current.refresh };
      await callAuth(options, "auth.logout", (auth, signal) =>
        auth.logout.mutate(input, { signal }),
      );
    },
  };
}

/**
 * The refresh token a 503 of `auth.refresh` carries (`data.refreshCandidate`: the rotation may
 * have taken), taken out of the error's `response`, so that an app that logs the error does not
 * log a token with it; null when there is none.
 */
function takeCandidate(error: unknown): string | null {
  if (!isRefreshError(error) || error.code !== "DB_UNAVAILABLE") return null;
  const data = (error.response as { error?: { data?: { refreshCandidate?: unknown } } } | null)
    ?.error?.data;
  const candidate = data?.refreshCandidate;
  if (!nonEmpty(candidate)) return null;
  delete data?.refreshCandidate;
  return candidate;
}

/**
 * Cookie mode: the refresh token is an HttpOnly cookie set by the server. The request carries
 * an empty body, same-origin credentials and `x-auth-refresh: cookie`; the answer holds only
 * the access token (`refresh: null`) and a `Set-Cookie` with the rotated refresh token. Pair it
 * with `createCookieModeStore`.
 *
 * @example
 * const refresh = cookieRefresh({ url: "/api/trpc" });
 */
export function cookieRefresh(options: RefreshStrategyOptions): RefreshStrategy {
  // `{}` as the input: the token is the cookie, which only a same-origin request carries.
  const call = {
    ...options,
    headers: { [COOKIE_MODE_HEADER]: "cookie" },
    credentials: "same-origin" as const,
  };
  return {
    mode: "cookie",
    async refresh(_current, attempt) {
      const data = await callAuth(callOptions(call, attempt), "auth.refresh", (auth, signal) =>
        auth.refresh.mutate({}, { signal }),
      );
      if (!nonEmpty(data.access)) {
        throw new RefreshError("BAD_RESPONSE", "auth.refresh returned no access token.", 200, data);
      }
      return { access: data.access, refresh: null };
    },
    async revoke() {
      await callAuth(call, "auth.logout", (auth, signal) => auth.logout.mutate({}, { signal }));
    },
  };
}
