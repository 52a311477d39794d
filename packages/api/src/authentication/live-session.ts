// The one place where a verified token's claims become a live session: an active user, and a
// session of theirs that is neither revoked nor over. Bearer calls, refresh rotation and server
// rendering all ask here, so the rules cannot drift apart; Bearer calls may be answered from the
// session cache (src/session-cache/), which notifications keep honest.
import { AuthError } from "@kit/auth";
import {
  type SessionAuth,
  type SessionRotation,
  sessionRotationSelect,
  type UserIdentity,
} from "@kit/db";
import type { AppDeps } from "../deps";
import { SessionEnded } from "../errors";
import { isUuid } from "../uuid";
import { readUserSession } from "./user-session-read";

/** What names a session in a verified token (access or refresh): its user and its id. */
export interface SessionClaims {
  sub: string;
  sid: string;
}

export interface LiveSession<S> {
  user: UserIdentity;
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
 * What loadLiveSession would answer, when the session cache alone can answer it: a cached
 * session of the claims' user, live now. Undefined otherwise (no cache, not cached, another
 * user's, over or revoked), and then loadLiveSession asks the database, which gives the
 * contract's errors in the contract's order. Synchronous, so that a Bearer call answered from
 * memory does not wait a turn of the microtask queue for it (packages/bench/PERFORMANCE.md).
 */
export function cachedLiveSession(
  deps: AppDeps,
  claims: SessionClaims,
): LiveSession<SessionAuth> | undefined {
  const now = deps.now();
  const hit = deps.sessionCache?.get(claims.sid, now);
  // A hit's ids came from the database: a claim equal to them is a UUID, so the checks of a
  // read would pass it.
  if (hit && hit.userId === claims.sub && isLive(hit.session, now)) {
    return { user: hit.user, session: hit.session };
  }
  return undefined;
}

/**
 * The user and the session that verified claims name, in the contract's check order: an active
 * user (else USER_NOT_FOUND), then a live session of that user (else TOKEN_REVOKED, or
 * TOKEN_EXPIRED for one past its time). The
 * session check is what makes logout and revocation take effect at once. Verify the token
 * first: this function trusts `claims`. It reads only what authorising a call needs (every
 * protected call pays for it, unless `deps.sessionCache` has the session); `for: "rotation"`
 * adds the columns refresh rotation works on, and always reads the database.
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
  // Rotation needs the token columns as they are now: only the liveness check is cached.
  if (options?.for === "rotation") return readLiveSession(deps, claims, options);
  return cachedLiveSession(deps, claims) ?? readLiveSession(deps, claims);
}

/**
 * loadLiveSession's database read, for a caller that asked cachedLiveSession first and got
 * nothing (asking the cache again would count a second miss): the contract's checks on the
 * rows as they are now, and the live session cached unless a change was heard meanwhile.
 */
export function readLiveSession(
  deps: AppDeps,
  claims: SessionClaims,
): Promise<LiveSession<SessionAuth>>;
export function readLiveSession(
  deps: AppDeps,
  claims: SessionClaims,
  options: { for: "rotation" },
): Promise<LiveSession<SessionRotation>>;
export async function readLiveSession(
  deps: AppDeps,
  claims: SessionClaims,
  options?: { for: "rotation" },
): Promise<LiveSession<SessionAuth | SessionRotation>> {
  const cache = options?.for === "rotation" ? undefined : deps.sessionCache;
  // Ids are UUID columns: anything else cannot name a row, and must not reach the database.
  if (!isUuid(claims.sub)) throw new AuthError("USER_NOT_FOUND");
  if (!isUuid(claims.sid)) throw new AuthError("TOKEN_REVOKED");
  // Before the read: a revocation that lands while it runs makes its result uncacheable.
  const ticket = cache?.ticket() ?? null;
  const ids = { userId: claims.sub, sessionId: claims.sid };
  const found =
    options?.for === "rotation"
      ? await readUserSession(deps.pool, ids, options)
      : await readUserSession(deps.pool, ids);
  if (!found?.user.isActive) throw new AuthError("USER_NOT_FOUND");
  const session = notEnded(found.session);
  // Over by its own time (idle, or the cap), not ended by anyone: what the token's exp says
  // too, once past the clock leeway (tokens never outlive their session).
  if (!isLive(session, deps.now())) throw new AuthError("TOKEN_EXPIRED");
  const { id, email, name, role } = found.user;
  const user = { id, email, name, role };
  cache?.put(ticket, { userId: id, user, session }, deps.now());
  return { user, session };
}

/** `session` if it is still on; else TOKEN_REVOKED (SessionEnded, with when, for one ended). */
export function notEnded<T extends { revokedAt: Date | null }>(session: T | null | undefined): T {
  if (!session) throw new AuthError("TOKEN_REVOKED");
  if (session.revokedAt !== null) throw new SessionEnded(session.revokedAt);
  return session;
}

/** The session as it is now (another request may have rotated it), or null when it is gone. */
export function reloadSession(deps: AppDeps, id: string): Promise<SessionRotation | null> {
  return deps.prisma.session.findUnique({ where: { id }, select: sessionRotationSelect });
}
