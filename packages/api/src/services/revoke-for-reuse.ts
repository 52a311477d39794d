// Reuse detected: the session's revocation and the `reuse_detected` event as ONE statement, so
// the trail never shows a theft whose session stayed live, nor a revocation without its cause.
import type { ClientInfo } from "../client-info";
import type { AppDeps } from "../deps";

/**
 * Revokes the session (reason `reuse`) unless it is already over, and records `reuse_detected`
 * either way: the token was replayed whatever a concurrent request did to the session.
 * Ids must be UUIDs: check them first.
 */
export async function revokeForReuse(
  deps: AppDeps,
  target: { sessionId: string; userId: string },
  client: ClientInfo,
): Promise<void> {
  const now = new Date(deps.now());
  await deps.prisma.$executeRaw`
    WITH revoked AS (
      UPDATE sessions SET revoked_at = ${now}::timestamptz, revoked_reason = 'reuse'
      WHERE id = ${target.sessionId}::uuid AND user_id = ${target.userId}::uuid
        AND revoked_at IS NULL
      RETURNING id
    )
    INSERT INTO auth_events (type, user_id, session_id, ip, user_agent, created_at)
    VALUES ('reuse_detected', ${target.userId}::uuid, ${target.sessionId}::uuid,
      ${client.clientIp}, ${client.userAgent}, ${now}::timestamptz)`;
  // This server refuses the session's access tokens from its next call on; the others when the
  // trigger's notification reaches them.
  deps.sessionCache?.invalidateSession(target.sessionId);
}
