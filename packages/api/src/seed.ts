// The demo accounts, created on the embedded database only, so a newcomer can sign in at once:
// a plain user, and an admin to try the admin page with.
import { hashPassword } from "@kit/auth";
import type { PrismaClient, Role } from "@kit/db";

export const DEMO_USER = {
  email: "demo@example.com",
  password: "demo-password",
  name: "Demo User",
  role: "user",
} as const satisfies DemoAccount;

// Its password is published as the demo user's is: the same loopback-only rule keeps it harmless.
export const DEMO_ADMIN = {
  email: "admin@example.com",
  password: "admin-password",
  name: "Demo Admin",
  role: "admin",
} as const satisfies DemoAccount;

interface DemoAccount {
  email: string;
  password: string;
  name: string;
  role: Role;
}

/** The demo accounts' emails: refused at login wherever the demo accounts are not allowed. */
export const DEMO_EMAILS: readonly string[] = [DEMO_USER.email, DEMO_ADMIN.email];

/**
 * Creates the demo accounts that are missing; never touches an existing account (an account
 * someone made with one of these emails keeps its password and role). Returns the emails created.
 */
export async function seedDemoUsers(prisma: PrismaClient): Promise<string[]> {
  const created: string[] = [];
  for (const account of [DEMO_USER, DEMO_ADMIN]) {
    const existing = await prisma.user.findUnique({
      where: { email: account.email },
      select: { id: true },
    });
    if (existing) continue;
    const passwordHash = await hashPassword(account.password);
    const result = await prisma.user.createMany({
      data: [{ email: account.email, name: account.name, passwordHash, role: account.role }],
      // Two processes seeding together: the second finds the row and does nothing.
      skipDuplicates: true,
    });
    if (result.count === 1) created.push(account.email);
  }
  return created;
}

/**
 * Ends the demo accounts' live sessions (reason `demo_refused`), for a server where they may not
 * sign in: a session opened while the server listened on loopback would otherwise go on
 * refreshing after it moved beyond it, a published password's session. Each ending is in the
 * audit trail (`demo_session_ended`), written in the same statement. How many it ended.
 */
export async function endDemoSessions(prisma: PrismaClient, now: number): Promise<number> {
  const at = new Date(now);
  const ended = await prisma.$queryRaw<{ id: string }[]>`
    WITH ended AS (
      UPDATE sessions s SET revoked_at = ${at}, revoked_reason = 'demo_refused'
      FROM users u
      WHERE s.user_id = u.id AND u.email = ANY(${[...DEMO_EMAILS]}::text[])
        AND s.revoked_at IS NULL
      RETURNING s.id, s.user_id
    )
    INSERT INTO auth_events (type, user_id, session_id, created_at)
    SELECT 'demo_session_ended', user_id, id, ${at} FROM ended
    RETURNING session_id::text AS id`;
  return ended.length;
}
