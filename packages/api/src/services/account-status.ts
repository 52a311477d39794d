// Deactivating and reactivating an account (the operator's command line and the admin router):
// the flag, the sessions and the audit row change together, and the users trigger tells every
// server's session cache.
import type { PrismaClient } from "@kit/db";
import { assertActiveAdmin } from "../authentication/require-admin";
import { type AccountActor, type AccountRef, actorColumns } from "./account-actor";

export interface StatusChange {
  userId: string;
  /** False when the account already was in that state (nothing written). */
  changed: boolean;
  /** Sessions ended by a deactivation. */
  revokedSessions: number;
}

/**
 * Sets `users.is_active`; deactivating also revokes every live session (reason "deactivated").
 * One transaction, with its audit event: never an inactive user whose sessions still refresh,
 * nor a change without its record. Null when no such account exists.
 */
export async function setAccountActive(
  prisma: PrismaClient,
  account: AccountRef,
  active: boolean,
  now: number,
  actor: AccountActor = { kind: "cli" },
): Promise<StatusChange | null> {
  return prisma.$transaction(async (tx) => {
    const user = await lockAccount(tx, account, actor);
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
    const byAdmin = actor.kind === "admin";
    await tx.authEvent.create({
      data: {
        type: byAdmin
          ? active
            ? "admin_reactivated_user"
            : "admin_deactivated_user"
          : active
            ? "user_reactivated"
            : "user_deactivated",
        userId: user.id,
        ...actorColumns(actor),
        createdAt: at,
      },
    });
    return { userId: user.id, changed: true, revokedSessions: revoked.count };
  });
}

type Transaction = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * The account's row, read under the lock its update takes (NO KEY UPDATE: is_active is no
 * key), so two operators racing record one change. Not FOR UPDATE: that also refuses the
 * key-share lock a refresh's audit row takes on this row through its foreign key while the
 * refresh holds its session, which this then waits for: each waited on the other, and
 * PostgreSQL ended one.
 * An admin's own row is locked with it (in id order, so two admins acting on each other wait
 * rather than deadlock) and judged again: requireAdmin read it before this transaction, and two
 * admins deactivating each other at once both passed it, leaving nobody to administer. The
 * second now finds its admin deactivated (assertActiveAdmin throws), and changes nothing.
 */
async function lockAccount(
  tx: Transaction,
  account: AccountRef,
  actor: AccountActor,
): Promise<{ id: string; is_active: boolean } | undefined> {
  if (actor.kind === "admin" && "id" in account) {
    const rows = await tx.$queryRaw<{ id: string; is_active: boolean; role: string }[]>`
      SELECT id::text, is_active, role::text AS role FROM users
      WHERE id IN (${actor.adminId}::uuid, ${account.id}::uuid)
      ORDER BY id FOR NO KEY UPDATE`;
    const admin = rows.find((row) => row.id === actor.adminId);
    assertActiveAdmin(admin ? { isActive: admin.is_active, role: admin.role } : null);
    return rows.find((row) => row.id === account.id);
  }
  const rows =
    "email" in account
      ? await tx.$queryRaw<{ id: string; is_active: boolean }[]>`
          SELECT id::text, is_active FROM users WHERE email = ${account.email}
          FOR NO KEY UPDATE`
      : await tx.$queryRaw<{ id: string; is_active: boolean }[]>`
          SELECT id::text, is_active FROM users WHERE id = ${account.id}::uuid
          FOR NO KEY UPDATE`;
  return rows[0];
}
