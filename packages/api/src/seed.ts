// The demo account, created on the embedded database only, so a newcomer can sign in at once.
import { hashPassword } from "@kit/auth";
import type { PrismaClient } from "@kit/db";

export const DEMO_USER = {
  email: "demo@example.com",
  password: "demo-password",
  name: "Demo User",
} as const;

/** Creates the demo user if missing; never touches an existing account. Returns whether it did. */
export async function seedDemoUser(prisma: PrismaClient): Promise<boolean> {
  const existing = await prisma.user.findUnique({
    where: { email: DEMO_USER.email },
    select: { id: true },
  });
  if (existing) return false;
  const passwordHash = await hashPassword(DEMO_USER.password);
  const created = await prisma.user.createMany({
    data: [{ email: DEMO_USER.email, name: DEMO_USER.name, passwordHash }],
    // Two processes seeding together: the second finds the row and does nothing.
    skipDuplicates: true,
  });
  return created.count === 1;
}
