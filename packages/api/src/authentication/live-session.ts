// The one place where a verified token's claims become a live session: an active user, and a
// session of theirs that is neither revoked nor over. Bearer calls, refresh rotation and server
// rendering all ask here, so the rules cannot drift apart.
import { AuthError } from "@kit/auth";
import {
  type SessionAuth,
  type SessionRotation,
  sessionAuthSelect,
  sessionRotationSelect,
  type UserPublic,
  userAuthSelect,
} from "@kit/db";
import type { AppDeps } from "../deps";
import { isUuid } from "../uuid";

/** What names a session in a verified token (access or refresh): its user and its id. */
export interface SessionClaims {
  sub: string;
  sid: string;
}

export interface LiveSession<S> {
  user: UserPublic;
  session: S;
}

/** True while a session may be used: not revoked, and before both its expiry and its cap. */
export function isLive(
  session: { revokedAt: Date | null; expiresAt: Date; absoluteExpiresAt: Date },
  now: number,
): boolean {
  return (
    session.revokedAt === null &&
    session.expiresAt.getTime() > now &&
    session.absoluteExpiresAt.getTime() > now
  );
}

/**
 * The user and the session that verified claims name, in the contract's check order: an active
 * user (else USER_NOT_FOUND), then a live session of that user (else TOKEN_REVOKED). The
 * session check is what makes logout and revocation take effect at once. Verify the token
 * first: this function trusts `claims`. It reads only what authorising a call needs (every
 * protected call pays for it); `for: "rotation"` adds the columns refresh rotation works on.
 *
 * @example
 * const claims = deps.tokens.verifyAccess(token);
 * const { user, session } = await loadLiveSession(deps, claims);
 */
export function loadLiveSession(
  deps: AppDeps,
  claims: SessionClaims,
): Promise<LiveSession<SessionAuth>>;
export function loadLiveSession(
  deps: AppDeps,
  claims: SessionClaims,
  options: { for: "rotation" },
): Promise<LiveSession<SessionRotation>>;
export async function loadLiveSession(
  deps: AppDeps,
  claims: SessionClaims,
  options?: { for: "rotation" },
): Promise<LiveSession<SessionAuth | SessionRotation>> {
  // Ids are UUID columns: anything else cannot name a row, and must not reach the database.
  if (!isUuid(claims.sub)) throw new AuthError("USER_NOT_FOUND");
  if (!isUuid(claims.sid)) throw new AuthError("TOKEN_REVOKED");
  const select = options?.for === "rotation" ? sessionRotationSelect : sessionAuthSelect;
  const found = await deps.prisma.user.findUnique({
    where: { id: claims.sub },
    select: { ...userAuthSelect, sessions: { where: { id: claims.sid }, select } },
  });
  if (!found?.isActive) throw new AuthError("USER_NOT_FOUND");
  const session = found.sessions[0];
  if (!session || !isLive(session, deps.now())) throw new AuthError("TOKEN_REVOKED");
  return { user: { id: found.id, email: found.email, name: found.name }, session };
}

/** The session as it is now (another request may have rotated it), or null when it is gone. */
export function reloadSession(deps: AppDeps, id: string): Promise<SessionRotation | null> {
  return deps.prisma.session.findUnique({ where: { id }, select: sessionRotationSelect });
}
