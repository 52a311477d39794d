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
import { reloadSession } from "./live-session";

/**
 * The handover token when it may stand for a refused refresh token: the refusal is of a session
 * that ended (`refusal`, SessionEnded: a password change ends the session the old cookie names),
 * and the handover is a refresh token of ours for the same user as the refused one (`refused`)
 * that is its live session's current token. Null otherwise, and the refusal stands: a
 * leftover handover the session has rotated past is ignored, never taken for reuse. No more is
 * asked than possession of that token, which its holder could present directly.
 */
export async function standingHandover(
  deps: AppDeps,
  refused: string,
  refusal: AuthError,
  handover: string | null,
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
  const current = session?.revokedAt === null && session.refreshJti === claims.jti;
  return current ? handover : null;
}
