// Deactivating and reactivating an account (the operator's command line): the flag, the sessions
// and the audit row change together, and the users trigger tells every server's session cache.
import type { PrismaClient } from "@kit/db";

export interface StatusChange {
  userId: string;
  /** False when the account already was in that state (nothing written). */
  changed: boolean;
  /** Sessions ended by a deactivation. */
  revokedSessions: number;
}

/**
 * Sets `users.is_active` for `email`; deactivating also revokes every live session (reason
 * "deactivated"). One transaction, with its audit event: never an inactive user whose sessions
 * still refresh, nor a change without its record. Null when no account has that email.
 */
export async function setAccountActive(
  prisma: PrismaClient,
  email: string,
  active: boolean,
  now: number,
): Promise<StatusChange | null> {
  return prisma.$transaction(async (tx) => {
    // Read under the row lock the update would take: two operators racing record one change.
    const rows = await tx.$queryRaw<{ id: string; is_active: boolean }[]>`
      SELECT id::text, is_active FROM users WHERE email = ${email} FOR UPDATE`;
    const user = rows[0];
    if (!user) return null;
    if (user.is_active === active) {
      return { userId: user.id, changed: false, revokedSessions: 0 };
    }
    const at = new Date(now);
    await tx.user.update({ where: { id: user.id }, data: { isActive: active } });
    const revoked = active
      ? { count: 0 }
      : await tx.session.updateMany({
          where: { userId: user.id, revokedAt: null },
          data: { revokedAt: at, revokedReason: "deactivated" },
        });
    await tx.authEvent.create({
      data: {
        type: active ? "user_reactivated" : "user_deactivated",
        userId: user.id,
        ip: null,
        userAgent: "kit-cli",
        createdAt: at,
      },
    });
    return { userId: user.id, changed: true, revokedSessions: revoked.count };
  });
}
