// Ending the session on the server (`auth.logout`), tried again while the server cannot be reached.
import { isRefreshError } from "./refresh-error";
import type { RefreshStrategy } from "./refresh-strategy";
import { sleep } from "./sleep";
import type { TokenSnapshot } from "./token-store";

/** The waits before the second, third and fourth attempt: four in all, about 4 s. */
export const DEFAULT_SIGN_OUT_RETRY_DELAYS_MS: readonly number[] = [250, 1_000, 3_000];

/**
 * What a failed `auth.logout` means:
 * - `ended`: the server called the token dead (a SIGN_OUT_CODES answer). There is nothing left
 *   to end, and in cookie mode the server has cleared the cookie with that answer.
 * - `retry`: the server was not reached or could not answer (network, timeout, 5xx, 408, 429,
 *   an unreadable answer): the same request may well work in a moment.
 * - `refused`: any other 4xx (CSRF_REJECTED, say). Sending it again would get the same answer.
 */
export type LogoutFailure = "ended" | "retry" | "refused";

export function classifyLogoutFailure(error: unknown): LogoutFailure {
  // A strategy of the caller's own may throw anything: treat it as not having got through.
  if (!isRefreshError(error)) return "retry";
  if (error.signOut) return "ended";
  const { status } = error;
  if (status === null || status < 400 || status >= 500) return "retry";
  return status === 408 || status === 429 ? "retry" : "refused";
}

export function checkRetryDelays(delays: readonly number[]): void {
  if (!Array.isArray(delays) || !delays.every((ms) => Number.isFinite(ms) && ms >= 0)) {
    throw new TypeError("signOutRetryDelaysMs must be a list of non-negative numbers.");
  }
}

/**
 * Calls `strategy.revoke` until the server has ended the session (or says it was already over),
 * waiting `delaysMs[i]` before attempt i + 2 while it cannot be reached. Rejects with the last
 * failure when every attempt failed, or at once when the server refused.
 */
export async function revokeWithRetry(
  strategy: RefreshStrategy,
  tokens: TokenSnapshot,
  delaysMs: readonly number[],
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await strategy.revoke(tokens);
      return;
    } catch (error) {
      const failure = classifyLogoutFailure(error);
      if (failure === "ended") return;
      const delay = delaysMs[attempt];
      if (failure === "refused" || delay === undefined) throw error;
      await sleep(delay);
    }
  }
}
