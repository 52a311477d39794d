// Session lifecycle against the database: open on login, rotate on refresh, revoke on logout.
import { randomUUID } from "node:crypto";
import { AuthError, type RefreshClaims } from "@kit/auth";
import { userAuthSelect } from "@kit/db";
import type { AppDeps } from "../deps";
import type { PrincipalUser } from "../principal";

export interface TokenPair {
  access: string;
  refresh: string;
}

/** What the request tells about the client; the context carries exactly these. */
export interface ClientInfo {
  userAgent: string | null;
  clientIp: string | null;
}

export type RevokeReason = "logout" | "reuse";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function issuePair(deps: AppDeps, user: PrincipalUser, sessionId: string) {
  const refresh = deps.tokens.issueRefresh({ userId: user.id, sessionId });
  const access = deps.tokens.issueAccess({ userId: user.id, email: user.email, sessionId });
  return { access, refresh };
}

/** Opens a session for a user who just proved who they are, and returns its first token pair. */
export async function openSession(
  deps: AppDeps,
  user: PrincipalUser,
  client: ClientInfo,
): Promise<TokenPair> {
  const sessionId = randomUUID();
  const { access, refresh } = issuePair(deps, user, sessionId);
  const now = new Date(deps.now());
  await deps.prisma.session.create({
    data: {
      id: sessionId,
      userId: user.id,
      refreshJti: refresh.claims.jti,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(refresh.claims.exp * 1000),
      userAgent: client.userAgent,
      ip: client.clientIp,
    },
  });
  return { access: access.token, refresh: refresh.token };
}

async function activeUser(deps: AppDeps, claims: RefreshClaims): Promise<PrincipalUser> {
  if (!UUID.test(claims.sub)) throw new AuthError("USER_NOT_FOUND");
  const user = await deps.prisma.user.findUnique({
    where: { id: claims.sub },
    select: userAuthSelect,
  });
  if (!user?.isActive) throw new AuthError("USER_NOT_FOUND");
  return { id: user.id, email: user.email, name: user.name };
}

/**
 * Exchanges a refresh token for a new pair. The swap is one conditional UPDATE on the session's
 * current jti, so of two concurrent refreshes with the same token exactly one wins; a token that
 * is no longer current is reuse (RFC 9700 §4.14.2): the whole session is revoked.
 */
export async function rotateSession(deps: AppDeps, refreshToken: string): Promise<TokenPair> {
  const claims = deps.tokens.verifyRefresh(refreshToken);
  const user = await activeUser(deps, claims);
  if (!UUID.test(claims.sid)) throw new AuthError("TOKEN_REVOKED");
  const { access, refresh } = issuePair(deps, user, claims.sid);
  const now = new Date(deps.now());
  const swapped = await deps.prisma.session.updateMany({
    where: { id: claims.sid, userId: user.id, refreshJti: claims.jti, revokedAt: null },
    data: {
      refreshJti: refresh.claims.jti,
      lastUsedAt: now,
      expiresAt: new Date(refresh.claims.exp * 1000),
    },
  });
  if (swapped.count === 1) return { access: access.token, refresh: refresh.token };

  const session = await deps.prisma.session.findUnique({
    where: { id: claims.sid },
    select: { userId: true, revokedAt: true },
  });
  if (!session || session.userId !== user.id || session.revokedAt !== null) {
    throw new AuthError("TOKEN_REVOKED");
  }
  await revoke(deps, claims.sid, user.id, "reuse");
  throw new AuthError("TOKEN_REUSED");
}

/** Ends the session a refresh token belongs to; its access tokens fail from the next call on. */
export async function closeSession(deps: AppDeps, refreshToken: string): Promise<void> {
  const claims = deps.tokens.verifyRefresh(refreshToken);
  if (!UUID.test(claims.sub) || !UUID.test(claims.sid)) throw new AuthError("INVALID_TOKEN");
  // Idempotent: logging out of a session that is already over is not an error.
  await revoke(deps, claims.sid, claims.sub, "logout");
}

async function revoke(deps: AppDeps, sessionId: string, userId: string, reason: RevokeReason) {
  await deps.prisma.session.updateMany({
    where: { id: sessionId, userId, revokedAt: null },
    data: { revokedAt: new Date(deps.now()), revokedReason: reason },
  });
}
