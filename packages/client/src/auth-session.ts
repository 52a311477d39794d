// One page's signed-in state: the token store, the single shared refresh, sign-in and sign-out,
// and the cross-tab channel. The tRPC link is a thin adapter over this.
import { type ChannelOptions, openAuthChannel } from "./auth-channel";
import { hasExpired, readJwtSubject, readJwtTimes, refreshDue } from "./jwt-claims";
import {
  isRefreshError,
  isSessionOverCode,
  type SignOutCode,
  type SignOutReason,
} from "./refresh-error";
import type { RefreshStrategy } from "./refresh-strategy";
import {
  checkRetryDelays,
  DEFAULT_SIGN_OUT_RETRY_DELAYS_MS,
  revokeWithRetry,
} from "./revoke-with-retry";
import { sleep } from "./sleep";
import { hasTokens, sameTokens, type TokenSnapshot, type TokenStore } from "./token-store";

/**
 * How long a refresh refused with TOKEN_REVOKED waits for news of a session that replaced it
 * (another tab's password change) before the refusal counts: well over the time that tab's
 * answer and message take to come after this one's.
 */
const REPLACED_SESSION_WAIT_MS = 1000;

export interface SignedOutEvent {
  reason: SignOutReason;
  /** True when another tab signed out and this one followed. */
  fromOtherTab: boolean;
}

export interface AuthSessionOptions {
  store: TokenStore;
  /** `bodyRefresh({ url })` or `cookieRefresh({ url })`. */
  refresh: RefreshStrategy;
  /** Refresh this long before the access token's `exp`. Default 60. */
  skewSeconds?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
  onSignedOut?: (event: SignedOutEvent) => void;
  /** Share new tokens and sign-out with the other tabs of this origin. Off unless given. */
  channel?: ChannelOptions;
  /**
   * How long `signOut` waits before each new `auth.logout` attempt while the server cannot be
   * reached (network, 5xx, 408, 429). Default `[250, 1000, 3000]`: four attempts in all.
   */
  signOutRetryDelaysMs?: readonly number[];
}

export interface SignOutOptions {
  /** Ask the server to end the session (`auth.logout`). Default true; false: forget it here only. */
  revoke?: boolean;
  /**
   * The server has already ended the session (`account.logoutAll` answered, a call was refused
   * with TOKEN_REVOKED): sign out here at once; `auth.logout` only tidies up (clears the cookie)
   * and its failure is not reported.
   */
  alreadyEnded?: boolean;
}

export interface AuthSession {
  readonly store: TokenStore;
  /** The access token to send now, refreshed first when it is due; null: send none. */
  accessToken(): Promise<string | null>;
  /** After the server called `rejected` expired: a token to retry with once, or null. */
  tokenAfterExpiry(rejected: string): Promise<string | null>;
  /**
   * Refreshes now, sharing a refresh already in flight. Throws RefreshError; on a sign-out
   * code the session is signed out first. In cookie mode, call it once at start-up.
   */
  refresh(): Promise<TokenSnapshot>;
  /** Stores the pair from `auth.login` / `auth.register` and tells the other tabs. */
  signIn(tokens: TokenSnapshot): void;
  /**
   * Ends the session on the server (`auth.logout`, tried again with backoff while the server
   * cannot be reached) and signs out here and in every tab. Resolves once this device is signed
   * out.
   *
   * Body mode: the refresh token is forgotten first, which alone signs this device out; a
   * logout that never gets through is not reported (the session then ends on the server when
   * its refresh token expires).
   *
   * Cookie mode: the HttpOnly cookie is the session on this device and only the server's answer
   * can clear it. So this device is signed out only once the server has answered; if it never
   * does, or refuses, the promise rejects with the last RefreshError and nothing has changed:
   * this page, its access token and the other tabs stay signed in, because they are (a reload
   * would sign in again from the cookie). Tell the person, and let them try again.
   */
  signOut(options?: SignOutOptions): Promise<void>;
  /**
   * The server refused a call because the session behind `token` is over (revoked elsewhere,
   * reused, the user gone): signs out here and in every tab, unless the tokens have changed since
   * (a new sign-in, or another tab's refresh) and `token` is simply stale. TOKEN_REVOKED counts
   * after a moment's wait for a new session from another tab (in cookie mode, a refresh).
   */
  sessionOver(reason: SignOutCode, token: string): void;
  /** Fires once per signed-in period, however many calls saw the failure. */
  onSignedOut(listener: (event: SignedOutEvent) => void): () => void;
  /** Closes the channel. */
  close(): void;
}

/**
 * Creates the session the refresh link works through. Share one per page between every tRPC
 * client (vanilla and React), so they share one refresh too.
 *
 * @example
 * const session = createAuthSession({
 *   store: createLocalStorageStore(),
 *   refresh: bodyRefresh({ url: "/api/trpc" }),
 *   channel: { name: "my-app-auth" },
 *   onSignedOut: () => router.push("/login"),
 * });
 */
export function createAuthSession(options: AuthSessionOptions): AuthSession {
  const { store, refresh: strategy } = options;
  const skewSeconds = options.skewSeconds ?? 60;
  const now = options.now ?? Date.now;
  const retryDelays = options.signOutRetryDelaysMs ?? DEFAULT_SIGN_OUT_RETRY_DELAYS_MS;
  if (!Number.isFinite(skewSeconds) || skewSeconds < 0) {
    throw new TypeError("skewSeconds must be a non-negative number.");
  }
  checkRetryDelays(retryDelays);

  const listeners = new Set<(event: SignedOutEvent) => void>();
  if (options.onSignedOut) listeners.add(options.onSignedOut);
  // Latched while any tokens were seen, so a tab whose shared storage another tab already
  // cleared still announces its own sign-out.
  let signedIn = hasTokens(store.get());
  let inflight: Promise<TokenSnapshot> | null = null;
  // A cookie-mode sign-out waiting for the server: a second one joins it.
  let signingOut: Promise<void> | null = null;
  // A logout sent once this device was already signed out, for these tokens.
  let tidying: { tokens: TokenSnapshot; done: Promise<void> } | null = null;
  // Bumped by sign-in and sign-out: a refresh started before them must not undo them.
  let epoch = 0;
  // Server time minus ours, learned from fresh tokens' `iat`, so a client whose clock is off
  // by an hour neither refreshes before every call nor sends tokens it thinks are fresh.
  let clockOffsetMs = 0;
  const serverNowSeconds = () => (now() + clockOffsetMs) / 1000;

  const channel = options.channel
    ? openAuthChannel(options.channel, (message) => {
        // Another tab's refresh: adopt it. No epoch bump, so a refresh of ours in flight just
        // finishes; the server's reuse grace window answers it with the same current pair.
        if (message.type === "tokens") {
          // Another account signed in there: this tab's page is the last account's, and its
          // session here is over (the cookie, or the shared storage, now holds the other one).
          if (changesAccount(message.tokens)) endSession("ACCOUNT_CHANGED", false, true);
          accept(message.tokens, false);
        } else endSession(message.reason, false, true);
      })
    : null;

  function canRefresh(tokens: TokenSnapshot): boolean {
    // The cookie is invisible to us: a live access token is the sign that one exists.
    return tokens.refresh !== null || (strategy.mode === "cookie" && tokens.access !== null);
  }

  function changesAccount(tokens: TokenSnapshot): boolean {
    const held = store.get().access;
    if (held === null || tokens.access === null) return false;
    const before = readJwtSubject(held);
    const after = readJwtSubject(tokens.access);
    return before !== null && after !== null && before !== after;
  }

  function accept(tokens: TokenSnapshot, broadcast: boolean): void {
    store.set(tokens);
    const stored = store.get();
    const iat = stored.access === null ? null : readJwtTimes(stored.access)?.iat;
    if (iat != null) clockOffsetMs = iat * 1000 - now();
    signedIn = hasTokens(stored);
    if (broadcast) channel?.post({ type: "tokens", tokens: stored });
  }

  function endSession(reason: SignOutReason, broadcast: boolean, fromOtherTab: boolean): void {
    // Tokens put in with `store.set` count as signed in too.
    const wasSignedIn = signedIn || hasTokens(store.get());
    epoch++;
    signedIn = false;
    store.clear();
    // Only a real transition is announced: one event per signed-in period, and no echo. A refresh
    // of this page's refused because its session is over proves there was one, though the page
    // never held its tokens (a cookie-mode page load's first refresh): that ends a session too,
    // and the person is told why.
    if (!wasSignedIn && (fromOtherTab || !isSessionOverCode(reason))) return;
    if (broadcast) channel?.post({ type: "signed-out", reason });
    for (const listener of [...listeners]) {
      try {
        listener({ reason, fromOtherTab });
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  async function runRefresh(): Promise<TokenSnapshot> {
    const started = epoch;
    const sent = store.get();
    // False after a sign-in or sign-out (the epoch), or once newer tokens were put in the store
    // (a tab's refresh, another process sharing the storage signing in after a password
    // change): an answer or a failure is then about the tokens they replaced, and must not
    // undo them.
    const stillCurrent = () => epoch === started && sameTokens(store.get(), sent);
    const settle = (fresh: TokenSnapshot) => {
      if (stillCurrent()) {
        // The refresh answered for another account: the refresh token it went by was replaced
        // meanwhile (in cookie mode the browser's: another tab's sign-in, or a cookie planted
        // over plain HTTP). This page shows the last account's data, so it ends here as when
        // another tab signs in as someone else, and holds the new account's tokens.
        if (changesAccount(fresh)) endSession("ACCOUNT_CHANGED", false, false);
        accept(fresh, true);
      }
      return store.get();
    };
    const fail = (error: unknown): never => {
      if (isRefreshError(error) && error.signOut) {
        endSession(error.code as SignOutReason, true, false);
      }
      throw error;
    };
    try {
      return settle(await refreshOnceMoreIfLost(sent, stillCurrent));
    } catch (error) {
      if (!stillCurrent()) return store.get();
      if (!isRefreshError(error) || error.code !== "TOKEN_REVOKED") return fail(error);
      // The session was ended, perhaps by this person a moment ago: another tab changed the
      // password, which ended it and gave that tab a new session (its cookie, in cookie mode).
      // This refresh left with the old token just before, and its refusal can arrive before
      // that tab's news: ending here would sign every tab out. So wait for the news; in cookie
      // mode the browser may hold the new session's cookie by then: ask once more.
      await sleep(REPLACED_SESSION_WAIT_MS);
      if (!stillCurrent()) return store.get();
      if (strategy.mode === "body") return fail(error);
      try {
        return settle(await strategy.refresh(sent));
      } catch (again) {
        if (!stillCurrent()) return store.get();
        return fail(again);
      }
    }
  }

  /**
   * The strategy's refresh, tried once more at once when the server's answer did not come back
   * (a timeout, a dropped connection, a proxy's own 5xx page). The first may have rotated the
   * token on the server with its answer lost on the way: the server's grace window
   * (AUTH_REFRESH_REUSE_GRACE, 10 s by default) honours the same token once more from this
   * device, and after it the token counts as stolen, the session revoked. So the retry goes now,
   * not at the app's next call, which may be too late.
   */
  async function refreshOnceMoreIfLost(sent: TokenSnapshot, stillCurrent: () => boolean) {
    try {
      return await strategy.refresh(sent);
    } catch (error) {
      if (!answerLost(error) || !stillCurrent()) throw error;
      return strategy.refresh(sent, { retry: true });
    }
  }

  function refresh(): Promise<TokenSnapshot> {
    inflight ??= runRefresh().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  function needsRefresh(tokens: TokenSnapshot): boolean {
    if (!canRefresh(tokens)) return false;
    if (tokens.access === null) return true;
    const times = readJwtTimes(tokens.access);
    return times !== null && refreshDue(times, serverNowSeconds(), skewSeconds);
  }

  return {
    store,
    async accessToken() {
      const tokens = store.get();
      if (hasTokens(tokens)) signedIn = true;
      if (!needsRefresh(tokens)) return tokens.access;
      try {
        return (await refresh()).access;
      } catch (error) {
        // Signed out: go on without a token, so public procedures (auth.login) still work.
        if (isRefreshError(error) && error.signOut) return store.get().access;
        // A passing failure: a token that has not expired yet is still worth sending.
        const times = tokens.access === null ? null : readJwtTimes(tokens.access);
        if (times && !hasExpired(times, serverNowSeconds())) return tokens.access;
        throw error;
      }
    },
    async tokenAfterExpiry(rejected) {
      const tokens = store.get();
      // Someone (a concurrent call, another tab) already replaced it.
      if (tokens.access !== null && tokens.access !== rejected) return tokens.access;
      if (!canRefresh(tokens)) return null;
      const fresh = await refresh();
      return fresh.access !== rejected ? fresh.access : null;
    },
    refresh,
    signIn(tokens) {
      epoch++;
      accept(tokens, true);
    },
    async signOut({ revoke = true, alreadyEnded = false } = {}) {
      const tokens = store.get();
      if (!revoke || alreadyEnded || strategy.mode === "body") {
        // Nothing here depends on the server's answer: forget the tokens now, then tell it.
        endSession("SIGN_OUT", true, false);
        if (!revoke) return;
        // Every query of a page that met the ended session asks at once: one logout, joined by
        // any call that has no tokens of its own left to name (a new sign-in's get their own).
        if (tidying && (!hasTokens(tokens) || sameTokens(tidying.tokens, tokens))) {
          return tidying.done;
        }
        const done = revokeWithRetry(strategy, tokens, retryDelays)
          .catch(() => {
            // Signed out here regardless; the server session ends when its refresh token expires.
          })
          .finally(() => {
            if (tidying?.done === done) tidying = null;
          });
        tidying = { tokens, done };
        return done;
      }
      // Cookie mode: until the server has cleared the cookie, a reload signs straight back in,
      // so nothing changes here (or in the other tabs) before it answers.
      signingOut ??= (async () => {
        const started = epoch;
        try {
          await revokeWithRetry(strategy, tokens, retryDelays);
        } finally {
          signingOut = null;
        }
        // Unless a new sign-in came meanwhile (or another tab's sign-out already ended it).
        if (epoch === started) endSession("SIGN_OUT", true, false);
      })();
      return signingOut;
    },
    sessionOver(reason, token) {
      if (store.get().access !== token) return;
      if (reason !== "TOKEN_REVOKED") return endSession(reason, true, false);
      // Ended, perhaps by this person in another tab whose news has not come yet (a password
      // change, as in runRefresh). In cookie mode a refresh tells, as the browser may hold the
      // new session's cookie, and signs out if it is really over; in body mode, the news is
      // waited for.
      if (strategy.mode === "cookie") {
        refresh().catch(() => {});
        return;
      }
      void sleep(REPLACED_SESSION_WAIT_MS).then(() => {
        if (store.get().access === token) endSession(reason, true, false);
      });
    },
    onSignedOut(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      channel?.close();
    },
  };
}

/**
 * No answer of the server's reached us: none at all, or a 5xx that is not the kit's (a proxy's
 * 502 or 504 after its upstream dropped). The server's own answers, 503 `DB_UNAVAILABLE`
 * included, carry an appCode and are final for this try.
 */
function answerLost(error: unknown): boolean {
  if (!isRefreshError(error)) return false;
  if (error.code === "NETWORK_ERROR") return true;
  return error.code === "BAD_RESPONSE" && error.status !== null && error.status >= 500;
}
