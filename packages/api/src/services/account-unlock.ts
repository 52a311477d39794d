// Clearing an account's sign-in limits (`pnpm auth unlock-user` and the admin router's
// unlockUser): the account looked up, its counts deleted where the servers keep them, and the
// audit row, the same way from both.
import type { PrismaClient } from "@kit/db";
import { type AccountActor, type AccountRef, actorColumns } from "./account-actor";

export interface Unlock {
  userId: string;
  /** Counts deleted (a success may leave a count at 0: not every one held a failure). */
  cleared: number;
}

/**
 * Deletes the account's sign-in counts and locks through `forget` (the limiter's store: a
 * running server's, or one the command line opened) and records who did it. Null when no such
 * account exists (nothing deleted). The row is written first, in a transaction that commits only
 * once the counts are gone: a trail that cannot be written (a 503) leaves the account locked,
 * and a store that does not answer (LIMITER_UNAVAILABLE) leaves no row. (The store is not the
 * database's transaction: a commit that fails after the counts went is the one gap left.)
 */
export async function unlockAccount(
  prisma: PrismaClient,
  account: AccountRef,
  forget: (email: string) => Promise<number>,
  now: number,
  actor: AccountActor = { kind: "cli" },
): Promise<Unlock | null> {
  const user = await prisma.user.findUnique({
    where: "email" in account ? { email: account.email } : { id: account.id },
    select: { id: true, email: true },
  });
  if (!user) return null;
  const cleared = await prisma.$transaction(async (tx) => {
    await tx.authEvent.create({
      data: {
        type: actor.kind === "admin" ? "admin_unlocked_user" : "user_unlocked",
        userId: user.id,
        ...actorColumns(actor),
        createdAt: new Date(now),
      },
    });
    return forget(user.email);
  });
  return { userId: user.id, cleared };
}
