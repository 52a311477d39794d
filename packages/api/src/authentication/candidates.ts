// Refresh candidates (see RotationInDoubt): tokens a 503 handed out for a rotation that may have
// taken. One that is its session's current token stands in for the token presented with it.
import type { RefreshClaims } from "@kit/auth";
import type { AppDeps } from "../deps";

/**
 * The candidate that stands for the session now, or null: a refresh token of ours for the same
 * user and session as `claims` (the token presented with it) that is the session's current token,
 * else one that is its previous token (rotated by a later try of the same client: judged then as
 * that token is, by the grace window and the marks). The current one wins wherever it is in the
 * list: after two 503s in a row the older candidate is the previous token, and past the window
 * it would be reuse. Any other is ignored, not refused: it proves nothing either way, and a
 * refresh must not fail for a leftover the client kept. Only the client an earlier try answered
 * can present one.
 */
export function presentedCandidate(
  deps: AppDeps,
  claims: RefreshClaims,
  candidates: readonly string[],
  session: { refreshJti: string; previousJti: string | null },
): string | null {
  const ours = candidates.flatMap((token) => {
    try {
      const candidate = deps.tokens.verifyRefresh(token);
      const same = candidate.sub === claims.sub && candidate.sid === claims.sid;
      return same && candidate.jti !== claims.jti ? [{ token, jti: candidate.jti }] : [];
    } catch {
      // Not ours, expired, or not a refresh token.
      return [];
    }
  });
  const current = ours.find((candidate) => candidate.jti === session.refreshJti);
  const previous = ours.find((candidate) => candidate.jti === session.previousJti);
  return (current ?? previous)?.token ?? null;
}
