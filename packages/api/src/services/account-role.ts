// Changing an account's role (the operator's `pnpm auth set-role`): the role and its audit row
// together; the users trigger tells every server's session cache, which holds the role.
import type { PrismaClient, Role } from "@kit/db";
import type { AuthEventType } from "../audit";

export interface RoleChange {
  userId: string;
  /** False when the account already had that role (nothing written). */
  changed: boolean;
}

/** Sets the role of the account with `email`; null when no account has it. */
export async function setAccountRole(
  prisma: PrismaClient,
  email: string,
  role: Role,
  now: number,
): Promise<RoleChange | null> {
  return prisma.$transaction(async (tx) => {
    // The update's own lock (role is no key): a refresh's audit row, whose foreign key takes a
    // key-share lock on this row, does not wait for it as it would for FOR UPDATE.
    const rows = await tx.$queryRaw<{ id: string; role: Role }[]>`
      SELECT id::text, role::text FROM users WHERE email = ${email} FOR NO KEY UPDATE`;
    const user = rows[0];
    if (!user) return null;
    if (user.role === role) return { userId: user.id, changed: false };
    const at = new Date(now);
    // A role added to the enum fails to compile here until the trail has a type for it.
    const type: AuthEventType = `role_set_${role}`;
    await tx.user.update({ where: { id: user.id }, data: { role } });
    await tx.authEvent.create({
      data: {
        type,
        userId: user.id,
        ip: null,
        userAgent: "kit-cli",
        createdAt: at,
      },
    });
    return { userId: user.id, changed: true };
  });
}
