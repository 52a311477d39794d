// Session lifecycle against the database: open on login, rotate on refresh, revoke on logout.
import { createHash, randomUUID } from "node:crypto";
import { AuthError, type RefreshClaims } from "@kit/auth";
import { recordEvent } from "../audit";
import type { AppDeps } from "../deps";
import { type Device, deviceOf } from "../device-marker";
import type { PrincipalUser } from "../principal";
import { clientKey } from "../rate-limit/keys";
import { isUuid } from "../uuid";

export interface TokenPair {
  access: string;
  refresh: string;
  /** The refresh token's `exp` (seconds since the epoch): how long a cookie may keep it. */
  refreshExp: number;
}

/** What the request tells about the client; the context carries exactly these. */
export interface ClientInfo {
  userAgent: string | null;
  clientIp: string | null;
  /** The device marker the request presented, verified (see device-marker.ts). */
  device?: Device | null;
}

/**
 * Who a client is, for the grace window's "only the client that rotated" rule: its device id
 * when it has a marker for this user; otherwise its address group (IPv4 address, IPv6 /64) and
 * user agent, hashed (the column holds no address in clear).
 */
export function clientFingerprint(client: ClientInfo, userId: string): string {
  const device = deviceOf(client.device, userId);
  if (device) return `device:${device}`;
  const seen = `${clientKey(client.clientIp)}\n${client.userAgent ?? ""}`;
  return `client:${createHash("sha256").update(seen).digest("hex").slice(0, 40)}`;
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

const sessionState = {
  id: true,
  refreshJti: true,
  previousJti: true,
  rotatedAt: true,
  rotatedBy: true,
  revokedAt: true,
  expiresAt: true,
  absoluteExpiresAt: true,
} as const;

/**
 * True for the token just rotated out, presented again inside the grace window (measured in
 * milliseconds from the rotation) by the very client that rotated it (`fingerprint`). Anyone
 * else replaying it, even a moment later, is a thief riding the window: that is reuse.
 */
function withinGrace(
  session: { previousJti: string | null; rotatedAt: Date | null; rotatedBy: string | null },
  jti: string,
  now: number,
  graceMs: number,
  fingerprint: string | null,
): boolean {
  const rotatedAt = session.rotatedAt?.getTime();
  return (
    session.previousJti === jti &&
    rotatedAt !== undefined &&
    now - rotatedAt <= graceMs &&
    fingerprint !== null &&
    session.rotatedBy === fingerprint
  );
}

/** The user (active) and the session the refresh token names, in the contract's check order. */
async function loadForRefresh(deps: AppDeps, claims: RefreshClaims) {
  if (!isUuid(claims.sub)) throw new AuthError("USER_NOT_FOUND");
  if (!isUuid(claims.sid)) throw new AuthError("TOKEN_REVOKED");
  const user = await deps.prisma.user.findUnique({
    where: { id: claims.sub },
    select: {
      id: true,
      email: true,
      name: true,
      isActive: true,
      sessions: { where: { id: claims.sid }, select: sessionState },
    },
  });
  if (!user?.isActive) throw new AuthError("USER_NOT_FOUND");
  const session = user.sessions[0];
  if (!session || session.revokedAt !== null) throw new AuthError("TOKEN_REVOKED");
  return { user: { id: user.id, email: user.email, name: user.name }, session };
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
  const { user, session } = await loadForRefresh(deps, claims);
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
  const current = await deps.prisma.session.findUnique({
    where: { id: session.id },
    select: sessionState,
  });
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

/**
 * The user and session a refresh token stands for right now, read-only: the checks of
 * rotateSession (signature, type, exp, an active user, a live session, the current jti or the
 * one just rotated out within the grace window) plus the session's own expiry, with nothing
 * rotated, revoked or recorded. Throws AuthError. A stale token is only refused here; the
 * next refresh with it is what revokes the session.
 */
export async function peekSession(
  deps: AppDeps,
  refreshToken: string,
  device: Device | null = null,
): Promise<{ user: PrincipalUser; sessionId: string }> {
  const claims = deps.tokens.verifyRefresh(refreshToken);
  const { user, session } = await loadForRefresh(deps, claims);
  const now = deps.now();
  if (session.expiresAt.getTime() <= now || session.absoluteExpiresAt.getTime() <= now) {
    throw new AuthError("TOKEN_REVOKED");
  }
  // A page render knows the client only by its device marker: without one, the previous token
  // is not honoured here (the browser sends the new cookie as soon as the rotation answered).
  const deviceId = deviceOf(device, user.id);
  const current =
    session.refreshJti === claims.jti ||
    withinGrace(
      session,
      claims.jti,
      now,
      deps.sessions.refreshReuseGraceMs,
      deviceId ? `device:${deviceId}` : null,
    );
  if (!current) throw new AuthError("TOKEN_REUSED");
  return { user, sessionId: session.id };
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
