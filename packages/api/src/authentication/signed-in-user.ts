// Who is signed in, from the refresh cookie alone: for server components that render a signed-in
// page without waiting for the browser to refresh. Read-only: it never rotates anything.
import { AuthError, type AuthErrorCode, isAuthError } from "@kit/auth";
import {
  readCandidatesCookie,
  readHandoverCookie,
  readRefreshCookie,
} from "../cookie-mode/refresh-cookie";
import type { AppDeps } from "../deps";
import { type Device, deviceFromCookie, deviceOf } from "../device-marker";
import { presentedCandidate } from "./candidates";
import { carriesOn, deviceFingerprint } from "./grace";
import { standingHandover } from "./handover";
import { loadLiveSession } from "./live-session";
import type { CallingUser } from "./principal";

export interface SignedInUser {
  user: CallingUser;
  sessionId: string;
}

/** Nobody signed in, and why: the cookie's refusal, or null when the request carries none. */
export interface SignedOut {
  refused: AuthErrorCode | null;
}

/**
 * The user whose `kit_refresh` cookie the request carries, or null: no cookie, a bad, expired or
 * stale token, a deactivated user, or a session that is revoked or over. Nothing is written, so
 * rendering a page never rotates the token the browser holds. Throws only when the database does.
 * `secure`: whether the request came over HTTPS (`isHttpsRequest`), so that the cookie read is
 * the one the API reads (over HTTPS only the `__Host-` one); null when it cannot be told.
 * readSignedIn says why nobody is, for a page that tells the person.
 *
 * @example
 * // a Next.js server component
 * const signedIn = await getSignedInUser(await getDeps(), await headers(), { secure });
 * if (!signedIn) redirect("/login");
 */
export async function getSignedInUser(
  deps: AppDeps,
  headers: Headers,
  options: { secure: boolean | null } = { secure: null },
): Promise<SignedInUser | null> {
  const read = await readSignedIn(deps, headers, options);
  return "user" in read ? read : null;
}

/**
 * getSignedInUser, or why nobody is signed in: `TOKEN_REVOKED` and `USER_NOT_FOUND` say the
 * session ended, `TOKEN_EXPIRED` that it ran out, `TOKEN_REUSED` that the cookie is not the
 * session's current token (stolen, or an answer that never reached the browser: only a refresh
 * can tell, and it revokes the session when it is reuse).
 */
export async function readSignedIn(
  deps: AppDeps,
  headers: Headers,
  options: { secure: boolean | null } = { secure: null },
): Promise<SignedInUser | SignedOut> {
  try {
    const token = readRefreshCookie(headers, options);
    if (!token) return { refused: null };
    const device = deviceFromCookie(deps, headers, options.secure);
    try {
      return await peekSession(deps, token, readCandidatesCookie(headers, options), device);
    } catch (error) {
      // As a refresh would: a password change's handover in the refused token's place.
      if (!isAuthError(error)) throw error;
      const handover = readHandoverCookie(headers, options);
      const candidates = readCandidatesCookie(headers, options);
      const standing = await standingHandover(deps, token, error, handover, {
        // A page render knows the client by its device marker only, as peekSession does.
        fingerprint: (userId) => {
          const deviceId = deviceOf(device, userId);
          return deviceId ? deviceFingerprint(deviceId) : null;
        },
        candidates,
      });
      if (!standing) throw error;
      return await peekSession(deps, standing, candidates, device);
    }
  } catch (error) {
    if (isAuthError(error)) return { refused: error.code };
    throw error;
  }
}

/**
 * The user and session a refresh token stands for right now, read-only: the checks of
 * rotation (signature, type, exp, then loadLiveSession, then the current jti or one the same
 * device retired within the grace window), with nothing rotated, revoked or recorded. Throws
 * AuthError. A stale token is only refused here; the next refresh with it revokes the session.
 */
async function peekSession(
  deps: AppDeps,
  refreshToken: string,
  /** The candidates cookie's (see RotationInDoubt): one may stand for the token, as in refresh. */
  candidates: readonly string[],
  device: Device | null,
): Promise<SignedInUser> {
  const presented = deps.tokens.verifyRefresh(refreshToken);
  const { user, session } = await loadLiveSession(deps, presented, { for: "rotation" });
  // As a refresh takes them: only for a token that is no longer the session's.
  const standing =
    session.refreshJti === presented.jti
      ? null
      : presentedCandidate(deps, presented, candidates, session);
  const claims = standing ? deps.tokens.verifyRefresh(standing) : presented;
  // A page render knows the client only by its device marker: without one, the previous token
  // is not honoured here (the browser sends the new cookie as soon as the rotation answered).
  const deviceId = deviceOf(device, user.id);
  const fingerprint = deviceId ? deviceFingerprint(deviceId) : null;
  if (!carriesOn(deps, session, claims.jti, fingerprint)) throw new AuthError("TOKEN_REUSED");
  return { user, sessionId: session.id };
}
