// Refresh rotation's swap as ONE statement: check the user, move the session's jti on, and record
// `refreshed`, atomically and in one round trip.
import type { UserIdentity } from "@kit/db";
import type { ClientInfo } from "../client-info";
import type { AppDeps } from "../deps";

export interface SwapRequest {
  userId: string;
  sessionId: string;
  /** The jti of the token presented: the swap happens only while it is the session's current. */
  jti: string;
  /** The jti of the token minted to replace it, and that token's expiry. */
  nextJti: string;
  nextExpiresAt: Date;
  /** Who rotates (see clientFingerprint): only they may replay `jti` in the grace window. */
  fingerprint: string;
  /** deps.now(), passed in: the database's clock is never the session's. */
  now: Date;
  client: ClientInfo;
}

export type SwapResult =
  | { swapped: true; user: UserIdentity }
  /**
   * Nothing changed. `absoluteExpiresAt` is the session's cap when the user is active and the
   * session theirs (a token minted past the cap is refused, and may be minted again within it);
   * null when not, or when the session is gone: the caller works out which error it is.
   */
  | { swapped: false; absoluteExpiresAt: Date | null };

interface Row {
  id: string;
  email: string;
  name: string | null;
  role: UserIdentity["role"];
  absolute_expires_at: Date;
  swapped: boolean;
}

// A named statement: each connection parses and plans it once, then only binds and executes.
const SWAP_REFRESH = {
  name: "kit_swap_refresh",
  text: `
    WITH owner AS (
      SELECT u.id, u.email, u.name, u.role, s.absolute_expires_at
      FROM users u JOIN sessions s ON s.user_id = u.id
      WHERE u.id = $1::uuid AND u.is_active AND s.id = $2::uuid
    ), swapped AS (
      UPDATE sessions SET
        refresh_jti = $4::uuid,
        previous_jti = $3::uuid,
        rotated_at = $6::timestamptz,
        rotated_by = $7,
        last_used_at = $6::timestamptz,
        expires_at = $5::timestamptz
      FROM owner
      WHERE sessions.id = $2::uuid
        AND sessions.user_id = owner.id
        AND sessions.refresh_jti = $3::uuid
        AND sessions.revoked_at IS NULL
        AND sessions.expires_at > $6::timestamptz
        AND sessions.absolute_expires_at > $6::timestamptz
        AND sessions.absolute_expires_at >= $5::timestamptz
      RETURNING sessions.id, sessions.user_id
    ), recorded AS (
      INSERT INTO auth_events (type, user_id, session_id, ip, user_agent, created_at)
      SELECT 'refreshed', swapped.user_id, swapped.id, $8, $9, $6::timestamptz
      FROM swapped
    )
    SELECT owner.id::text AS id, owner.email, owner.name, owner.role::text AS role,
      owner.absolute_expires_at,
      EXISTS (SELECT 1 FROM swapped) AS swapped
    FROM owner`,
};

/**
 * Swaps `jti` for `nextJti` when the user is active and the session theirs, live (not revoked,
 * before its expiry and its cap) and still holding `jti`, and the new token ends within the cap.
 * The UPDATE's condition is re-checked on the latest row version when another rotation got
 * there first, so of concurrent swaps with one jti exactly one changes the row, and only that
 * one inserts its `refreshed` event (the INSERT reads the UPDATE's RETURNING).
 * Ids and jtis must be UUIDs: check them first. Runs through `pg` (deps.pool), not Prisma: it is
 * the one write on every refresh (see SqlPool in @kit/db for what that saves).
 */
export async function swapRefresh(deps: AppDeps, request: SwapRequest): Promise<SwapResult> {
  const { now, client } = request;
  const { rows } = await deps.pool.query<Row>({
    ...SWAP_REFRESH,
    values: [
      request.userId,
      request.sessionId,
      request.jti,
      request.nextJti,
      request.nextExpiresAt,
      now,
      request.fingerprint,
      client.clientIp,
      client.userAgent,
    ],
  });
  const row = rows[0];
  if (!row) return { swapped: false, absoluteExpiresAt: null };
  if (!row.swapped) return { swapped: false, absoluteExpiresAt: row.absolute_expires_at };
  return {
    swapped: true,
    user: { id: row.id, email: row.email, name: row.name, role: row.role },
  };
}
