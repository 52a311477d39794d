// A password change's handover (cookie mode): the new session's refresh token, kept in a cookie
// of its own beside `kit_refresh` until the next refresh settles. In one browser, a refresh of
// the old session sent by another tab a moment before the change can be answered after it, its
// cookie (the old session's next token) replacing the new session's; the handover still holds
// the new one. Only the browser the change answered has it: a thief holding a copy of the old
// session's cookies, a device marker and all, is cut off by the change as before.
import type { AuthError, RefreshClaims } from "@kit/auth";
import type { AppDeps } from "../deps";
import { SessionEnded } from "../errors";
import { isUuid } from "../uuid";
import { presentedCandidate } from "./candidates";
import { carriesOn } from "./grace";
import { reloadSession } from "./live-session";

/** Who presents a handover, as rotation would judge a token it retired (see withinGrace). */
export interface HandoverPresenter {
  /** The presenting client's fingerprint for the handover's user; null: known by nothing. */
  fingerprint(userId: string): string | null;
  /** The refresh candidates presented with it (see presentedCandidate). */
  candidates: readonly string[];
}

/**
 * The handover token when it may stand for a refused refresh token: the refusal is of a session
 * that ended (`refusal`, SessionEnded: a password change ends the session the old cookie names),
 * and the handover is a refresh token of ours for the same user as the refused one (`refused`),
 * of another session, live, that a refresh with it would carry on rather than call reuse: its
 * current token; one the same client retired within the grace window (tabs refreshing with it at
 * once: one rotates, the others get the replay); or one a presented candidate has replaced (a
 * 503 whose rotation took). Null otherwise, and the refusal stands: a leftover the session has
 * moved past is ignored, never taken for reuse. No more is asked than possession of the token,
 * which its holder could present directly.
 */
export async function standingHandover(
  deps: AppDeps,
  refused: string,
  refusal: AuthError,
  handover: string | null,
  presenter: HandoverPresenter,
): Promise<string | null> {
  if (!handover || !(refusal instanceof SessionEnded)) return null;
  let claims: RefreshClaims;
  let refusedClaims: RefreshClaims;
  try {
    claims = deps.tokens.verifyRefresh(handover);
    // It verified before it was refused: the session it names ended.
    refusedClaims = deps.tokens.verifyRefresh(refused);
  } catch {
    // Not ours, expired, or not a refresh token: it proves nothing.
    return null;
  }
  if (claims.sub !== refusedClaims.sub || claims.sid === refusedClaims.sid) return null;
  if (!isUuid(claims.sid)) return null;
  const session = await reloadSession(deps, claims.sid);
  if (!session || session.revokedAt !== null) return null;
  const carriedOn =
    carriesOn(deps, session, claims.jti, presenter.fingerprint(claims.sub)) ||
    presentedCandidate(deps, claims, presenter.candidates, session) !== null;
  return carriedOn ? handover : null;
}
