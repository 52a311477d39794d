// Session lifecycle against the database: open on login, revoke on logout (rotation on refresh
// is rotate-session.ts).
import { randomUUID } from "node:crypto";
import { AuthError, isAuthError, type RefreshClaims } from "@kit/auth";
import type { PrismaClient } from "@kit/db";
import { accessClaims } from "../access-claims";
import { type AuthEventInput, type AuthEventType, recordEvent } from "../audit";
import { carriesOn, clientFingerprint } from "../authentication/grace";
import { loadLiveSession } from "../authentication/live-session";
import type { CallingUser } from "../authentication/principal";
import type { ClientInfo } from "../client-info";
import type { AppDeps } from "../deps";
import { isUuid } from "../uuid";
import { revokeForReuse } from "./revoke-for-reuse";

export interface TokenPair {
  access: string;
  refresh: string;
  /** The refresh token's `exp` (seconds since the epoch): how long a cookie may keep it. */
  refreshExp: number;
}

export type RevokeReason =
  | "logout"
  | "reuse"
  | "revoked"
  | "logout_all"
  | "password_changed"
  // The account was deactivated (services/account-status.ts).
  | "deactivated"
  // An admin ended it (router/admin.ts).
  | "admin_revoked";

const seconds = (ms: number) => Math.floor(ms / 1000);

/** A session just opened: its id and first token pair. */
export type OpenedSession = TokenPair & { sessionId: string };

/** The audit events that open a session. */
export type OpeningEvent = Extract<
  AuthEventType,
  "login_succeeded" | "registered" | "password_changed"
>;

/**
 * Opens a session for a user who just proved who they are, and returns its first token pair.
 * The session row and the event that opened it (`event`) are written by one statement: one
 * round trip, and never a session without its audit row.
 *
 * `passwordHash` is the hash the password was checked against. The session is opened only while
 * the account is still active with that hash, read under a share lock on its row: a password
 * change or a deactivation committed since the check refuses it (INVALID_CREDENTIALS, as a login
 * a moment later would be), and one still running waits for this session and then ends it with
 * the others. Without that, a login racing a password change kept a session on the old password.
 */
export async function openSession(
  deps: AppDeps,
  user: CallingUser,
  passwordHash: string,
  client: ClientInfo,
  event: OpeningEvent,
  // A transaction the session joins (registration's, a password change's); default: a statement
  // of its own.
  db: Pick<PrismaClient, "$executeRaw"> = deps.prisma,
): Promise<OpenedSession> {
  const sessionId = randomUUID();
  const now = deps.now();
  const absoluteExpiresAt = now + deps.sessions.sessionMaxAgeMs;
  const refresh = deps.tokens.issueRefresh({
    userId: user.id,
    sessionId,
    notAfter: seconds(absoluteExpiresAt),
  });
  const access = deps.tokens.issueAccess({
    userId: user.id,
    email: user.email,
    sessionId,
    custom: accessClaims.issue(user),
    notAfter: seconds(absoluteExpiresAt),
  });
  const at = new Date(now);
  const opened = await db.$executeRaw`
    WITH account AS (
      SELECT id FROM users
      WHERE id = ${user.id}::uuid AND is_active AND password_hash = ${passwordHash}
      FOR SHARE
    ), opened AS (
      INSERT INTO sessions (id, user_id, refresh_jti, created_at, last_used_at, expires_at,
        absolute_expires_at, user_agent, ip)
      SELECT ${sessionId}::uuid, account.id, ${refresh.claims.jti}::uuid,
        ${at}::timestamptz, ${at}::timestamptz, ${new Date(refresh.claims.exp * 1000)}::timestamptz,
        ${new Date(absoluteExpiresAt)}::timestamptz, ${client.userAgent}, ${client.clientIp}
      FROM account
      RETURNING id, user_id
    )
    INSERT INTO auth_events (type, user_id, session_id, ip, user_agent, created_at)
    SELECT ${event}, opened.user_id, opened.id, ${client.clientIp}, ${client.userAgent},
      ${at}::timestamptz
    FROM opened`;
  if (opened !== 1) throw new AuthError("INVALID_CREDENTIALS");
  return {
    access: access.token,
    refresh: refresh.token,
    refreshExp: refresh.claims.exp,
    sessionId,
  };
}

/** Ends the session a refresh token belongs to; its access tokens fail from the next call on. */
export async function closeSession(
  deps: AppDeps,
  refreshToken: string,
  client: ClientInfo,
): Promise<void> {
  const claims = deps.tokens.verifyRefresh(refreshToken);
  if (!isUuid(claims.sub) || !isUuid(claims.sid)) throw new AuthError("INVALID_TOKEN");
  if (await replayed(deps, claims, client)) {
    // A token the session moved on from, sent by someone rotation would call a thief: ending
    // the session is right, but as reuse (its holder is told so), not as that client's logout.
    await revokeForReuse(deps, { sessionId: claims.sid, userId: claims.sub }, client);
    throw new AuthError("TOKEN_REUSED");
  }
  // Idempotent: logging out of a session that is already over is not an error.
  await revokeSession(deps, { sessionId: claims.sid, userId: claims.sub }, "logout", {
    type: "logged_out",
    userId: claims.sub,
    sessionId: claims.sid,
    client,
  });
}

/**
 * True when `claims` name a live session that no longer holds their token and rotation would
 * not honour it from `client` (withinGrace): reuse. A session that is over, or gone, is not:
 * logging out of it stays quiet.
 */
async function replayed(deps: AppDeps, claims: RefreshClaims, client: ClientInfo) {
  const live = await loadLiveSession(deps, claims, { for: "rotation" }).catch((error: unknown) => {
    if (isAuthError(error)) return null;
    throw error;
  });
  if (!live) return false;
  return !carriesOn(deps, live.session, claims.jti, clientFingerprint(client, claims.sub));
}

/**
 * Revokes one live session of this user, and records `event` in the same transaction when it
 * did: an answer lost to a database outage (a 503) left the session ended and its event never
 * written, since the retry finds nothing to end. False when there was none to revoke.
 */
export async function revokeSession(
  deps: AppDeps,
  target: { sessionId: string; userId: string },
  reason: RevokeReason,
  event: AuthEventInput,
): Promise<boolean> {
  const ended = await deps.prisma.$transaction(async (tx) => {
    const result = await tx.session.updateMany({
      where: { id: target.sessionId, userId: target.userId, revokedAt: null },
      data: { revokedAt: new Date(deps.now()), revokedReason: reason },
    });
    if (result.count === 1) await recordEvent(deps, event, tx);
    return result.count === 1;
  });
  // At once, after the commit: the next call here is refused without waiting for the trigger's
  // notification (which tells the other servers).
  deps.sessionCache?.invalidateSession(target.sessionId);
  return ended;
}

/**
 * Revokes every live session of a user, but `keep`, and records `event` with it when any ended
 * (one transaction, as revokeSession; a revocation that ended nothing, a double submit's second,
 * is no event, as revokeSession's is not); returns how many ended.
 */
export async function revokeAllSessions(
  deps: AppDeps,
  userId: string,
  reason: RevokeReason,
  options: { keep?: string; event?: AuthEventInput } = {},
): Promise<number> {
  const { keep, event } = options;
  const count = await deps.prisma.$transaction(async (tx) => {
    const result = await tx.session.updateMany({
      where: { userId, revokedAt: null, ...(keep ? { id: { not: keep } } : {}) },
      data: { revokedAt: new Date(deps.now()), revokedReason: reason },
    });
    if (event && result.count > 0) await recordEvent(deps, event, tx);
    return result.count;
  });
  deps.sessionCache?.invalidateUser(userId);
  return count;
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
