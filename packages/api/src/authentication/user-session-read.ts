// The check's read of a token's user and session: one statement through `pg` (deps.pool), so
// both rows come from one snapshot and one round trip. Prisma reads a relation in a statement
// of its own, and a deactivation committed between the two showed an active user beside the
// session it had just revoked (TOKEN_REVOKED where the contract says USER_NOT_FOUND).
import type { SessionAuth, SessionRotation, SqlPool, UserAuth } from "@kit/db";

export interface UserSessionRead<S> {
  user: UserAuth;
  /** The session the claims name, when it exists and is this user's; revoked or not. */
  session: S | null;
}

const USER = `u.id AS "userId", u.email, u.name, u.role::text AS role, u.is_active AS "isActive"`;
// Named as @kit/db's sessionAuthSelect and sessionRotationSelect name them.
const SESSION = `s.id AS "sessionId", s.created_at AS "createdAt",
  s.last_used_at AS "lastUsedAt", s.expires_at AS "expiresAt",
  s.absolute_expires_at AS "absoluteExpiresAt", s.revoked_at AS "revokedAt"`;
const ROTATION = `s.refresh_jti::text AS "refreshJti", s.previous_jti::text AS "previousJti",
  s.rotated_at AS "rotatedAt", s.rotated_by AS "rotatedBy",
  s.retired_jtis::text[] AS "retiredJtis", s.retired_at AS "retiredAt",
  s.unanswered_jti::text AS "unansweredJti"`;
const FROM = `FROM users u LEFT JOIN sessions s ON s.id = $2::uuid AND s.user_id = u.id
  WHERE u.id = $1::uuid`;

// Named statements: each connection parses and plans them once (see SqlPool in @kit/db).
const AUTH = { name: "kit_user_session_auth", text: `SELECT ${USER}, ${SESSION} ${FROM}` };
const FOR_ROTATION = {
  name: "kit_user_session_rotation",
  text: `SELECT ${USER}, ${SESSION}, ${ROTATION} ${FROM}`,
};

type AuthRow = Omit<UserAuth, "id"> &
  Omit<SessionAuth, "id"> & { userId: string; sessionId: string | null };
type RotationRow = AuthRow & Omit<SessionRotation, keyof SessionAuth>;

function userOf(row: AuthRow): UserAuth {
  return {
    id: row.userId,
    email: row.email,
    name: row.name,
    isActive: row.isActive,
    role: row.role,
  };
}

function sessionOf(row: AuthRow, id: string): SessionAuth {
  return {
    id,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    absoluteExpiresAt: row.absoluteExpiresAt,
    revokedAt: row.revokedAt,
  };
}

/**
 * The user `ids.userId` names and their session `ids.sessionId`, as one snapshot; null when
 * there is no such user. Both ids must be UUIDs: check them first.
 */
export function readUserSession(
  pool: SqlPool,
  ids: { userId: string; sessionId: string },
): Promise<UserSessionRead<SessionAuth> | null>;
export function readUserSession(
  pool: SqlPool,
  ids: { userId: string; sessionId: string },
  options: { for: "rotation" },
): Promise<UserSessionRead<SessionRotation> | null>;
export async function readUserSession(
  pool: SqlPool,
  ids: { userId: string; sessionId: string },
  options?: { for: "rotation" },
): Promise<UserSessionRead<SessionAuth | SessionRotation> | null> {
  // Named, not spread: see runSwaps.
  const values = [ids.userId, ids.sessionId];
  if (options?.for === "rotation") {
    const { rows } = await pool.query<RotationRow>({
      name: FOR_ROTATION.name,
      text: FOR_ROTATION.text,
      values,
    });
    const row = rows[0];
    if (!row) return null;
    const session =
      row.sessionId === null
        ? null
        : {
            ...sessionOf(row, row.sessionId),
            refreshJti: row.refreshJti,
            previousJti: row.previousJti,
            rotatedAt: row.rotatedAt,
            rotatedBy: row.rotatedBy,
            retiredJtis: row.retiredJtis,
            retiredAt: row.retiredAt,
            unansweredJti: row.unansweredJti,
          };
    return { user: userOf(row), session };
  }
  const { rows } = await pool.query<AuthRow>({ name: AUTH.name, text: AUTH.text, values });
  const row = rows[0];
  if (!row) return null;
  const session = row.sessionId === null ? null : sessionOf(row, row.sessionId);
  return { user: userOf(row), session };
}
