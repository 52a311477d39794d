// Session lifecycle against the database: open on login, rotate on refresh, revoke on logout.
import { randomUUID } from "node:crypto";
import { AuthError } from "@kit/auth";
import { recordEvent } from "../audit";
import { clientFingerprint, withinGrace } from "../authentication/grace";
import { loadLiveSession, reloadSession } from "../authentication/live-session";
import type { PrincipalUser } from "../authentication/principal";
import type { ClientInfo } from "../client-info";
import type { AppDeps } from "../deps";
import { isUuid } from "../uuid";

export interface TokenPair {
  access: string;
  refresh: string;
  /** The refresh token's `exp` (seconds since the epoch): how long a cookie may keep it. */
  refreshExp: number;
}

export type RevokeReason = "logout" | "reuse" | "revoked" | "logout_all" | "password_changed";

const seconds = (ms: number) => Math.floor(ms / 1000);

/** Opens a session for a user who just proved who they are, and returns its first token pair. */
export async function openSession(
  deps: AppDeps,
  user: PrincipalUser,
  client: ClientInfo,
): Promise<TokenPair & { sessionId: string }> {
  const sessionId = randomUUID();
  const now = deps.now();
  const absoluteExpiresAt = now + deps.sessions.sessionMaxAgeMs;
  const refresh = deps.tokens.issueRefresh({
    userId: user.id,
    sessionId,
    notAfter: seconds(absoluteExpiresAt),
  });
  const access = deps.tokens.issueAccess({ userId: user.id, email: user.email, sessionId });
  await deps.prisma.session.create({
    data: {
      id: sessionId,
      userId: user.id,
      refreshJti: refresh.claims.jti,
      createdAt: new Date(now),
      lastUsedAt: new Date(now),
      expiresAt: new Date(refresh.claims.exp * 1000),
      absoluteExpiresAt: new Date(absoluteExpiresAt),
      userAgent: client.userAgent,
      ip: client.clientIp,
    },
  });
  return {
    access: access.token,
    refresh: refresh.token,
    refreshExp: refresh.claims.exp,
    sessionId,
  };
}

/**
 * Exchanges a refresh token for a new pair (rotation). The swap is one conditional UPDATE on the
 * session's current jti, so of any number of concurrent refreshes with one token exactly one
 * mints a new token. The others, and a retry after a lost response, find their token as the
 * session's previous jti within the grace window and get the pair the winner got: one chain.
 * Any other non-current token is reuse (RFC 9700 §4.14.2): the whole session is revoked.
 */
export async function rotateSession(
  deps: AppDeps,
  refreshToken: string,
  client: ClientInfo,
): Promise<TokenPair> {
  const claims = deps.tokens.verifyRefresh(refreshToken);
  const { user, session } = await loadLiveSession(deps, claims, { for: "rotation" });
  const now = deps.now();
  const notAfter = seconds(session.absoluteExpiresAt.getTime());
  const fingerprint = clientFingerprint(client, user.id);
  if (session.refreshJti === claims.jti) {
    // iat from the same instant as rotatedAt, so the grace path can re-create the token exactly
    // while the window itself is kept to the millisecond.
    const next = deps.tokens.issueRefresh({
      userId: user.id,
      sessionId: session.id,
      notAfter,
      issuedAt: seconds(now),
    });
    const swapped = await deps.prisma.session.updateMany({
      where: { id: session.id, refreshJti: claims.jti, revokedAt: null },
      data: {
        refreshJti: next.claims.jti,
        previousJti: claims.jti,
        rotatedAt: new Date(now),
        rotatedBy: fingerprint,
        lastUsedAt: new Date(now),
        expiresAt: new Date(next.claims.exp * 1000),
      },
    });
    if (swapped.count === 1) {
      await recordEvent(deps, {
        type: "refreshed",
        userId: user.id,
        sessionId: session.id,
        client,
      });
      const access = deps.tokens.issueAccess({
        userId: user.id,
        email: user.email,
        sessionId: session.id,
      });
      return { access: access.token, refresh: next.token, refreshExp: next.claims.exp };
    }
  }
  // Lost the race, or an older token: look again at what the session holds now.
  const current = await reloadSession(deps, session.id);
  if (!current || current.revokedAt !== null) throw new AuthError("TOKEN_REVOKED");
  const rotatedAt = current.rotatedAt?.getTime();
  // (rotatedAt tested here too so the type knows it below.)
  if (
    rotatedAt !== undefined &&
    withinGrace(current, claims.jti, now, deps.sessions.refreshReuseGraceMs, fingerprint)
  ) {
    await recordEvent(deps, {
      type: "refresh_replayed",
      userId: user.id,
      sessionId: current.id,
      client,
    });
    // No new token: the session's current one, re-signed from the same claims (identical).
    const refresh = deps.tokens.issueRefresh({
      userId: user.id,
      sessionId: current.id,
      jti: current.refreshJti,
      notAfter,
      issuedAt: seconds(rotatedAt),
    });
    const access = deps.tokens.issueAccess({
      userId: user.id,
      email: user.email,
      sessionId: current.id,
    });
    return { access: access.token, refresh: refresh.token, refreshExp: refresh.claims.exp };
  }
  await revokeSession(deps, { sessionId: current.id, userId: user.id }, "reuse");
  await recordEvent(deps, {
    type: "reuse_detected",
    userId: user.id,
    sessionId: current.id,
    client,
  });
  throw new AuthError("TOKEN_REUSED");
}

/** Ends the session a refresh token belongs to; its access tokens fail from the next call on. */
export async function closeSession(
  deps: AppDeps,
  refreshToken: string,
  client: ClientInfo,
): Promise<void> {
  const claims = deps.tokens.verifyRefresh(refreshToken);
  if (!isUuid(claims.sub) || !isUuid(claims.sid)) throw new AuthError("INVALID_TOKEN");
  // Idempotent: logging out of a session that is already over is not an error.
  const ended = await revokeSession(deps, { sessionId: claims.sid, userId: claims.sub }, "logout");
  if (ended) {
    await recordEvent(deps, {
      type: "logged_out",
      userId: claims.sub,
      sessionId: claims.sid,
      client,
    });
  }
}

/** Revokes one live session of this user; false when there was none to revoke. */
export async function revokeSession(
  deps: AppDeps,
  target: { sessionId: string; userId: string },
  reason: RevokeReason,
): Promise<boolean> {
  const result = await deps.prisma.session.updateMany({
    where: { id: target.sessionId, userId: target.userId, revokedAt: null },
    data: { revokedAt: new Date(deps.now()), revokedReason: reason },
  });
  // At once, after the commit: the next call here is refused without waiting for the trigger's
  // notification (which tells the other servers).
  deps.sessionCache?.invalidateSession(target.sessionId);
  return result.count === 1;
}

/** Revokes every live session of a user, but `keep`; returns how many ended. */
export async function revokeAllSessions(
  deps: AppDeps,
  userId: string,
  reason: RevokeReason,
  keep?: string,
): Promise<number> {
  const result = await deps.prisma.session.updateMany({
    where: { userId, revokedAt: null, ...(keep ? { id: { not: keep } } : {}) },
    data: { revokedAt: new Date(deps.now()), revokedReason: reason },
  });
  deps.sessionCache?.invalidateUser(userId);
  return result.count;
}

/** The live sessions of a user, most recently used first. */
export async function listSessions(deps: AppDeps, userId: string) {
  const now = new Date(deps.now());
  return deps.prisma.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now }, absoluteExpiresAt: { gt: now } },
    orderBy: { lastUsedAt: "desc" },
    select: { id: true, createdAt: true, lastUsedAt: true, userAgent: true, ip: true },
  });
}
